//! `kbgen serve`: builds the site in memory, serves it on 127.0.0.1 and rebuilds when
//! `content/`, `templates/` or `site.yaml` change; open pages reload through a small script
//! (a file, so a strict CSP holds) listening to server-sent events. A failed build shows its
//! report in the browser and the server keeps running.
//!
//! Only this module is async. It serves nothing but the in-memory outputs, so no request
//! path can reach the disk.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a long-running server reports each rebuild as it happens"
)]

use crate::diag::{render_human, summary_line};
use crate::options::BuildOptions;
use crate::session::{Files, Rebuilt, Session};
use anyhow::Context as _;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use notify::RecursiveMode;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::BroadcastStream;

/// Where the reload script and its event stream live; no site path starts with `__kbgen`.
const RELOAD_JS: &str = "/__kbgen/reload.js";
const EVENTS: &str = "/__kbgen/events";
const RELOAD_SCRIPT: &str = include_str!("reload.js");

/// Options of `kbgen serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site root.
    pub root: PathBuf,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// The address to bind; loopback unless asked otherwise.
    pub bind: IpAddr,
    /// Include drafts.
    pub drafts: bool,
    /// Open the site in a browser once it is served.
    pub open: bool,
}

/// The last build: its files, or its report and the last files that built.
enum Built {
    Ok(Arc<Files>),
    Failed { report: String, last: Option<Arc<Files>> },
}

struct Shared {
    built: RwLock<Built>,
    reload: broadcast::Sender<u64>,
}

/// Runs the server until Ctrl+C.
///
/// # Errors
/// A missing site, a port in use, or a watcher that cannot start.
pub fn serve(options: &ServeOptions) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server runtime")?;
    runtime.block_on(run(options.clone()))
}

async fn run(options: ServeOptions) -> anyhow::Result<()> {
    // A missing site stops here; problems inside site.yaml show in the first build.
    if !options.root.join(crate::config::CONFIG_FILE).is_file() {
        return Err(crate::error::Error::NoSite(options.root.clone()).into());
    }
    let build_options = BuildOptions {
        output: options.root.join("public"),
        root: options.root.clone(),
        base_url: None,
        drafts: options.drafts,
        portable: false,
        search: true,
    };
    let start = Instant::now();
    let mut session = Session::new(build_options);
    let first = build(&mut session, None);
    report(&first, start.elapsed());
    let (reload, _) = broadcast::channel(16);
    let shared = Arc::new(Shared { built: RwLock::new(first), reload });
    index(&mut session, &shared);

    let addr = SocketAddr::new(options.bind, options.port);
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::anyhow!("port {} is already in use on {}; stop the other server or pass --port with another number", options.port, options.bind)
        } else {
            anyhow::anyhow!("cannot listen on {addr}: {e}")
        }
    })?;
    let local = listener.local_addr()?;
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: serving on {local}, reachable from other machines; kbgen serve is a preview, not a web server"
        );
    }
    // Watch before announcing the address, so no edit made after it is missed.
    let _watcher = watch(&options.root, session, Arc::clone(&shared))?;
    let url = format!("http://{local}/");
    println!("serving {url} (Ctrl+C to stop)");
    if options.open {
        open_browser(&url);
    }

    let app = Router::new().fallback(handle).with_state(shared);
    // Ctrl+C stops at once, cutting off responses in flight: a preview server has nothing
    // worth finishing, and waiting would hang on open reload streams.
    let shutdown = tokio::signal::ctrl_c();
    tokio::select! {
        () = accept(listener, app) => {}
        _ = shutdown => {}
    }
    Ok(())
}

/// How long a client may take to send a request's head, and how long a kept-alive
/// connection may sit idle before it is closed.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// At most this many connections are served at once; more wait in the listen queue. With
/// [`HEADER_TIMEOUT`] this bounds what slow or idle clients can hold.
const MAX_CONNECTIONS: usize = 512;

/// Serves connections until the runtime stops. Written out rather than `axum::serve`,
/// which sets no header timeout and no connection limit, so one slow client (or a few
/// hundred idle ones) could hold the server's sockets forever.
async fn accept(listener: tokio::net::TcpListener, app: Router) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else { return };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // A connection reset or aborted before it was accepted concerns that client only.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionAborted
                        | std::io::ErrorKind::ConnectionReset
                        | std::io::ErrorKind::Interrupted
                ) =>
            {
                continue;
            }
            Err(_) => {
                // Out of file descriptors or memory: wait a moment rather than spin.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            // A client that goes away mid-response is its own business.
            let _ = connection.await;
            drop(slot);
        });
    }
}

/// Brings the session's pages up to date (the search index follows in [`index`]).
fn build(session: &mut Session, changed: Option<Vec<PathBuf>>) -> Built {
    match session.rebuild_changed(changed) {
        Ok(Rebuilt { files: Some(files), rendered, pipeline }) => {
            let laps: Vec<String> =
                pipeline.timings.iter().map(|(stage, d)| format!("{stage} {d:.0?}")).collect();
            println!("rendered {rendered} changed pages ({})", laps.join(" · "));
            Built::Ok(files)
        }
        Ok(Rebuilt { pipeline, .. }) => Built::Failed {
            report: format!(
                "{}{}",
                render_human(&pipeline.diagnostics),
                summary_line(&pipeline.diagnostics, false)
            ),
            last: None,
        },
        Err(e) => Built::Failed { report: format!("error: {e}"), last: None },
    }
}

/// Rebuilds the search index after the pages and serves it, unless a failed build is
/// showing; open pages need no reload, since the next search loads the new shards.
fn index(session: &mut Session, shared: &Shared) {
    // Only this thread replaces the build, so nothing changes it while the index is made.
    let start = Instant::now();
    let Some(files) = session.index() else { return };
    println!("search index updated in {:.0?}", start.elapsed());
    let mut built = shared.built.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    if matches!(&*built, Built::Ok(_)) {
        *built = Built::Ok(files);
    }
}

fn report(built: &Built, took: Duration) {
    match built {
        Built::Ok(outputs) => println!("built {} files in {took:.0?}", outputs.len()),
        Built::Failed { report, .. } => eprintln!("{report}"),
    }
}

/// How long the sources must be quiet before a rebuild: an editor's save is often several
/// writes.
const DEBOUNCE: Duration = Duration::from_millis(25);

/// Watches the site's sources and rebuilds on change, debounced. Only creations,
/// modifications and removals count: a build reads every file, and reads must not trigger
/// the next build.
fn watch(
    root: &std::path::Path,
    mut session: Session,
    shared: Arc<Shared>,
) -> anyhow::Result<impl Drop> {
    use notify::{EventKind, Watcher as _};
    // Each message is the paths one event names; `None` asks for a full look.
    let (tx, rx) = std::sync::mpsc::channel::<Option<Vec<PathBuf>>>();
    let mut watcher =
        notify::recommended_watcher(move |event: notify::Result<notify::Event>| match event {
            Ok(e) if e.need_rescan() || e.paths.is_empty() => {
                let _ = tx.send(None);
            }
            Ok(e) => {
                if matches!(
                    e.kind,
                    EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
                ) {
                    let _ = tx.send(Some(e.paths));
                }
            }
            Err(_) => {
                let _ = tx.send(None);
            }
        })
        .context("cannot watch the site for changes")?;
    for (path, mode) in [
        ("content", RecursiveMode::Recursive),
        ("templates", RecursiveMode::Recursive),
        ("site.yaml", RecursiveMode::NonRecursive),
    ] {
        let path = root.join(path);
        if path.exists() {
            watcher
                .watch(&path, mode)
                .with_context(|| format!("cannot watch {}", path.display()))?;
        }
    }
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        let mut generation = 0u64;
        while let Ok(first) = rx.recv() {
            // Wait for quiet, so one save (or a checkout of many files) is one rebuild.
            let mut changed = first;
            while let Ok(more) = rx.recv_timeout(DEBOUNCE) {
                changed = changed.zip(more).map(|(mut a, b)| {
                    a.extend(b);
                    a
                });
            }
            let relative = changed.and_then(|paths| {
                paths.iter().map(|p| p.strip_prefix(&root).ok().map(PathBuf::from)).collect()
            });
            let start = Instant::now();
            let mut next = build(&mut session, relative);
            report(&next, start.elapsed());
            {
                let mut built =
                    shared.built.write().unwrap_or_else(std::sync::PoisonError::into_inner);
                if let Built::Failed { last, .. } = &mut next {
                    *last = match &*built {
                        Built::Ok(outputs) => Some(Arc::clone(outputs)),
                        Built::Failed { last, .. } => last.clone(),
                    };
                }
                *built = next;
            }
            generation += 1;
            // No page open means no receiver; that is fine.
            let _ = shared.reload.send(generation);
            index(&mut session, &shared);
        }
    });
    Ok(watcher)
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    if path == RELOAD_JS {
        return typed(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            RELOAD_SCRIPT.as_bytes().to_vec(),
        );
    }
    if path == EVENTS {
        let stream = BroadcastStream::new(shared.reload.subscribe())
            .filter_map(|msg| msg.ok())
            .map(|generation| {
                Ok::<_, std::convert::Infallible>(
                    Event::default().event("reload").data(generation.to_string()),
                )
            });
        return Sse::new(stream).keep_alive(KeepAlive::default()).into_response();
    }
    let key = output_key(&path);
    let built = shared.built.read().unwrap_or_else(std::sync::PoisonError::into_inner);
    let (outputs, failed) = match &*built {
        Built::Ok(outputs) => (Some(Arc::clone(outputs)), None),
        Built::Failed { report, last } => (last.clone(), Some(report.clone())),
    };
    drop(built);
    if let Some(report) = failed.filter(|_| key.as_deref().is_none_or(|k| k.ends_with(".html"))) {
        return typed(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/html; charset=utf-8",
            error_page(&report).into_bytes(),
        );
    }
    let Some(outputs) = outputs else {
        return typed(StatusCode::NOT_FOUND, "text/plain; charset=utf-8", b"not found".to_vec());
    };
    let found = key.as_deref().and_then(|k| outputs.get(k).map(|b| (k, b)));
    match found {
        Some((k, bytes)) => typed(StatusCode::OK, content_type(k), with_reload(k, bytes)),
        None => match outputs.get("404.html") {
            Some(page) => typed(
                StatusCode::NOT_FOUND,
                "text/html; charset=utf-8",
                with_reload("404.html", page),
            ),
            None => {
                typed(StatusCode::NOT_FOUND, "text/plain; charset=utf-8", b"not found".to_vec())
            }
        },
    }
}

/// The output file a request path names, or `None` if it tries to leave the site: `..`
/// segments, encoded or not, backslashes and NUL never match an output.
pub(crate) fn output_key(path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s if s.contains(['\\', '\0']) => return None,
            s => parts.push(s),
        }
    }
    let mut key = parts.join("/");
    if decoded.ends_with('/') || key.is_empty() {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    } else if !parts.last().is_some_and(|p| p.contains('.')) {
        key.push_str("/index.html");
    }
    Some(key)
}

fn content_type(key: &str) -> &'static str {
    match key.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("xml") => "application/xml",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// HTML gets the reload script before `</head>`; everything else is served as built.
fn with_reload(key: &str, bytes: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{RELOAD_JS}\" defer></script>\n");
    if key.ends_with(".html")
        && let Some(at) = find(bytes, b"</head>")
    {
        let mut out = Vec::with_capacity(bytes.len() + tag.len());
        out.extend_from_slice(&bytes[..at]);
        out.extend_from_slice(tag.as_bytes());
        out.extend_from_slice(&bytes[at..]);
        return out;
    }
    bytes.to_vec()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn error_page(report: &str) -> String {
    let escaped = report.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>构建失败</title>\n<script src=\"{RELOAD_JS}\" defer></script>\n</head>\n<body>\n<h1>构建失败</h1>\n<p>修正下面的问题并保存，页面会自动刷新。</p>\n<pre>{escaped}</pre>\n</body>\n</html>\n"
    )
}

fn typed(status: StatusCode, ctype: &'static str, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The preview enforces the policy the built site ships with, so a template that breaks
    // it shows here first.
    for (name, value) in crate::render::SECURITY_HEADERS {
        response.headers_mut().insert(*name, HeaderValue::from_static(value));
    }
    response
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("warning: could not open a browser; visit {url}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_map_to_outputs_and_never_leave_the_site() {
        assert_eq!(output_key("/").as_deref(), Some("index.html"));
        assert_eq!(output_key("/symptoms/x/").as_deref(), Some("symptoms/x/index.html"));
        assert_eq!(output_key("/symptoms/x").as_deref(), Some("symptoms/x/index.html"));
        assert_eq!(output_key("/assets/style.css").as_deref(), Some("assets/style.css"));
        assert_eq!(
            output_key("/tags/%E7%BB%93%E7%AE%97/").as_deref(),
            Some("tags/结算/index.html")
        );
        for bad in
            ["/../site.yaml", "/%2e%2e/site.yaml", "/a/..%2f..%2fsite.yaml", "/a%5c..%5cx", "/%00"]
        {
            assert_eq!(output_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn html_gets_the_reload_script_and_nothing_else_changes() {
        let page = b"<html><head><title>x</title></head><body></body></html>";
        let served = with_reload("a/index.html", page);
        let expected = "<script src=\"/__kbgen/reload.js\" defer></script>\n</head>";
        assert!(String::from_utf8_lossy(&served).contains(expected));
        assert_eq!(with_reload("a.css", b"body{}"), b"body{}");
    }
}
