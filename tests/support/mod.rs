//! Helpers shared by the test binaries (`tests/cli` and `tests/load.rs`).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `kbgen serve --port 0`, killed on drop.
pub(crate) struct Served {
    pub(crate) child: Child,
    /// `host:port` it listens on.
    pub(crate) addr: String,
}

impl Served {
    /// Starts the server on `root` and waits for the address it prints.
    pub(crate) fn start(root: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kbgen"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().expect("serve printed its address").unwrap();
            if let Some(rest) = line.strip_prefix("serving http://") {
                break rest.split('/').next().unwrap().to_owned();
            }
        };
        // Keep reading stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self { child, addr }
    }

    /// Opens the reload event stream.
    pub(crate) fn events(&self) -> BufReader<TcpStream> {
        let mut conn = TcpStream::connect(&self.addr).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(conn, "GET /__kbgen/events HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr).unwrap();
        let mut reader = BufReader::new(conn);
        // The server subscribes before it answers, so once the headers are here no rebuild
        // can slip by unseen.
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 0 && line != "\r\n" {
            line.clear();
        }
        reader
    }
}

/// Waits for the next `reload` event on the stream.
pub(crate) fn next_reload(events: &mut BufReader<TcpStream>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut line = String::new();
    while Instant::now() < deadline {
        line.clear();
        if events.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if line.trim() == "event: reload" {
            return;
        }
    }
    panic!("no reload event");
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies the tree `from` to `to`, every file [`backdate`]d.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
            backdate(&target);
        }
    }
}

/// Dates a file a minute ago, as a checked-out site would be, so that a build does not
/// wait for freshly written files to settle.
pub(crate) fn backdate(path: &Path) {
    let old = std::time::SystemTime::now() - Duration::from_secs(60);
    std::fs::File::options().write(true).open(path).unwrap().set_modified(old).unwrap();
}

/// Copies the repository's own site (site.yaml and content/) into `to`.
pub(crate) fn copy_shipped(to: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("site.yaml"), to.join("site.yaml")).unwrap();
    copy_dir(&repo.join("content"), &to.join("content"));
}
