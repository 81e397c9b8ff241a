//! Support for tests in real headless Chromium: a small WebDriver client (chromedriver over
//! HTTP) and a static server on loopback that sends a strict Content-Security-Policy and
//! records every violation report.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The CSP the test server sends: the policy the site promises to work under.
pub(crate) const CSP: &str = "default-src 'self'; report-uri /csp-report";

/// A static server for one directory, on 127.0.0.1, with CSP on every response.
pub(crate) struct Server {
    pub(crate) url: String,
    pub(crate) reports: Arc<Mutex<Vec<String>>>,
    server: Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub(crate) fn start(dir: &Path) -> Self {
        let server =
            Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind a loopback port"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let reports = Arc::new(Mutex::new(Vec::new()));
        let (srv, rep, dir) = (Arc::clone(&server), Arc::clone(&reports), dir.to_path_buf());
        let thread = std::thread::spawn(move || {
            for mut request in srv.incoming_requests() {
                if request.url().starts_with("/csp-report") {
                    let mut body = String::new();
                    let _ = request.as_reader().read_to_string(&mut body);
                    rep.lock().unwrap().push(body);
                    let _ = request.respond(tiny_http::Response::empty(204));
                    continue;
                }
                let response = static_response(&dir, request.url());
                let _ = request.respond(response);
            }
        });
        Self { url: format!("http://127.0.0.1:{port}/"), reports, server, thread: Some(thread) }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn static_response(dir: &Path, url: &str) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
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
    let header =
        |k: &str, v: &str| tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap();
    tiny_http::Response::from_data(bytes)
        .with_status_code(status)
        .with_header(header("Content-Type", ctype))
        .with_header(header("Content-Security-Policy", CSP))
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

    pub(crate) fn goto(&self, url: &str) {
        self.session_post("/url", json!({ "url": url }));
    }

    /// Runs `script` (a function body; use `return`) in the page.
    pub(crate) fn eval(&self, script: &str) -> Value {
        self.session_post("/execute/sync", json!({ "script": script, "args": [] }))
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

    /// Polls `script` until it returns something truthy; panics after 10 s.
    pub(crate) fn wait_for(&self, script: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let v = self.eval(script);
            if !(v.is_null() || v == false || v == 0 || v == "") {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out waiting for: {script}");
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
