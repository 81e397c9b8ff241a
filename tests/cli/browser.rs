//! Support for tests in real headless Chromium: a small WebDriver client (chromedriver over
//! HTTP) and a static server on loopback that sends a strict Content-Security-Policy and
//! records every violation report.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The CSP the test server sends: the policy the site ships in `_headers`, plus a report
/// address so violations reach the test.
fn csp() -> String {
    format!("{}; report-uri /csp-report", kbgen::render::CONTENT_SECURITY_POLICY)
}

/// A static server for one directory, on 127.0.0.1, with CSP on every response. Each
/// connection gets its own thread and is closed after one response, which keeps the server
/// trivially correct under a browser's parallel requests.
pub(crate) struct Server {
    pub(crate) url: String,
    pub(crate) reports: Arc<Mutex<Vec<String>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    addr: std::net::SocketAddr,
}

impl Server {
    pub(crate) fn start(dir: &Path) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().unwrap();
        let reports = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (rep, dir, halt) = (Arc::clone(&reports), dir.to_path_buf(), Arc::clone(&stop));
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if halt.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (rep, dir) = (Arc::clone(&rep), dir.clone());
                std::thread::spawn(move || serve_one(conn, &dir, &rep));
            }
        });
        Self { url: format!("http://{addr}/"), reports, stop, addr }
    }
}

impl Server {
    /// Waits up to 10 s for a CSP violation report; panics with `missing` if none comes.
    pub(crate) fn wait_for_report(&self, missing: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.reports.lock().unwrap().is_empty() {
            assert!(Instant::now() < deadline, "{missing}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = std::net::TcpStream::connect(self.addr);
    }
}

fn serve_one(mut conn: std::net::TcpStream, dir: &Path, reports: &Mutex<Vec<String>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut head = String::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if head.is_empty() {
            head = line;
        }
    }
    let mut parts = head.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let (status, ctype, body) = if target.starts_with("/csp-report") {
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        reports.lock().unwrap().push(String::from_utf8_lossy(&body).into_owned());
        (204, "text/plain", Vec::new())
    } else if method == "GET" {
        static_file(dir, target)
    } else {
        (405, "text/plain", Vec::new())
    };
    let reason = match status {
        200 => "OK",
        204 => "No Content",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let header = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nContent-Security-Policy: {}\r\nConnection: close\r\n\r\n",
        body.len(),
        csp()
    );
    let _ = conn.write_all(header.as_bytes()).and_then(|()| conn.write_all(&body));
}

fn static_file(dir: &Path, url: &str) -> (u16, &'static str, Vec<u8>) {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy().into_owned();
    let mut file = dir.to_path_buf();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        assert!(seg != "..", "the test server never serves ..");
        file.push(seg);
    }
    if path.ends_with('/') {
        file.push("index.html");
    }
    let (status, bytes, file) = match std::fs::read(&file) {
        Ok(b) => (200, b, file),
        Err(_) => {
            (404, std::fs::read(dir.join("404.html")).unwrap_or_default(), dir.join("404.html"))
        }
    };
    let ctype = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("xml") => "application/xml",
        _ => "application/octet-stream",
    };
    (status, ctype, bytes)
}

/// A chromedriver process with one headless Chromium session.
pub(crate) struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    _profile: tempfile::TempDir,
}

fn find(bin: &str, fallback: &str) -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|p| p.join(bin)).find(|p| p.is_file()))
        .unwrap_or_else(|| PathBuf::from(fallback))
}

impl Browser {
    /// Starts chromedriver and a session. Panics with a hint if Chromium is not installed:
    /// `.ci/run` installs Debian's chromium and chromium-driver.
    pub(crate) fn start() -> Self {
        let chromedriver = find("chromedriver", "/usr/bin/chromedriver");
        let chromium = find("chromium", "/usr/bin/chromium");
        assert!(
            chromedriver.is_file() && chromium.is_file(),
            "browser tests need Chromium: apt-get install -y chromium chromium-driver"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let deadline = Instant::now() + Duration::from_secs(20);
        while agent.get(format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=390,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        }}});
        let mut browser = Self { driver, base, session: String::new(), agent, _profile: profile };
        let created = browser.post("/session", caps);
        browser.session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_owned();
        browser
    }

    fn post(&self, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let mut resp =
            self.agent.post(&url).send_json(&body).unwrap_or_else(|e| panic!("{url}: {e}"));
        let value: Value = resp.body_mut().read_json().unwrap();
        let value = value.get("value").cloned().unwrap_or(Value::Null);
        if let Some(err) = value.get("error") {
            panic!("webdriver {path}: {err} {}", value["message"]);
        }
        value
    }

    fn session_post(&self, path: &str, body: Value) -> Value {
        self.post(&format!("/session/{}{path}", self.session), body)
    }

    /// Opens `url` and starts recording script errors, for failure reports.
    pub(crate) fn goto(&self, url: &str) {
        self.session_post("/url", json!({ "url": url }));
        self.eval(
            "window.__errors = []; \
             addEventListener('error', e => __errors.push(e.message)); \
             addEventListener('unhandledrejection', e => __errors.push(String(e.reason && e.reason.stack || e.reason)));",
        );
    }

    /// Runs `script` (a function body; use `return`) in the page.
    pub(crate) fn eval(&self, script: &str) -> Value {
        self.session_post("/execute/sync", json!({ "script": script, "args": [] }))
    }

    /// Runs `script` (a function body) that calls `done(value)` when finished, for
    /// promises; chromedriver's default 30 s script timeout applies.
    pub(crate) fn eval_async(&self, script: &str) -> Value {
        let body = format!("const done = arguments[arguments.length - 1];\n{script}");
        self.session_post("/execute/async", json!({ "script": body, "args": [] }))
    }

    /// Makes pages match `prefers-color-scheme: <scheme>` (`light` or `dark`) from now on.
    pub(crate) fn color_scheme(&self, scheme: &str) {
        self.session_post(
            "/goog/cdp/execute",
            json!({ "cmd": "Emulation.setEmulatedMedia", "params": {
                "features": [{ "name": "prefers-color-scheme", "value": scheme }]
            }}),
        );
    }

    /// Presses and releases `key` (a WebDriver key code) wherever the focus is.
    pub(crate) fn press(&self, key: &str) {
        self.session_post(
            "/actions",
            json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": [
                { "type": "keyDown", "value": key }, { "type": "keyUp", "value": key }
            ]}]}),
        );
    }

    /// Types `keys` into the element matching `css` (WebDriver key codes allowed).
    pub(crate) fn type_into(&self, css: &str, keys: &str) {
        let el = self.session_post("/element", json!({ "using": "css selector", "value": css }));
        let id = el
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap()
            .to_owned();
        self.session_post(&format!("/element/{id}/value"), json!({ "text": keys }));
    }

    /// Polls `script` until it returns something truthy; panics after 20 s with the page's
    /// URL, search status and any script errors.
    pub(crate) fn wait_for(&self, script: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let v = self.eval(script);
            if !(v.is_null() || v == false || v == 0 || v == "") {
                return v;
            }
            if Instant::now() > deadline {
                let state = self.eval(
                    "return [location.href, Array.from(document.querySelectorAll('[role=status]')).map(e => e.textContent), \
                     Array.from(document.scripts).map(s => s.src).filter(Boolean), window.__errors, \
                     performance.getEntriesByType('resource').map(r => r.name.split('/').slice(-2).join('/') + ' ' + Math.round(r.duration) + 'ms ' + r.responseStatus)]",
                );
                panic!("timed out waiting for: {script}\npage: {state}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.agent.delete(format!("{}/session/{}", self.base, self.session)).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// WebDriver key codes.
pub(crate) const ARROW_DOWN: &str = "\u{E015}";
pub(crate) const ENTER: &str = "\u{E007}";
pub(crate) const TAB: &str = "\u{E004}";
