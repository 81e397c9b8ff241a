//! Crash safety and concurrent builds: a build killed at any moment leaves the previous
//! complete output or the new complete output, never a mix, and the next build cleans up
//! after it; two builds of one output never interleave.

use crate::{Site, read_tree};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn kbgen(root: &Path, output: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kbgen"));
    cmd.args(["build", "--root"]).arg(root).arg("--output").arg(output);
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    cmd
}

/// The output's files without the manifest, after checking that the manifest lists
/// exactly the files there.
fn complete_tree(output: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = read_tree(output);
    let manifest = String::from_utf8(files.remove(".kbgen-manifest").expect("a manifest")).unwrap();
    let mut listed: Vec<&str> = manifest.lines().skip(1).filter(|l| !l.is_empty()).collect();
    listed.sort_unstable();
    let present: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(listed, present, "the manifest lists exactly the files present");
    files
}

/// Staging directories beside the outputs in `root`.
fn staging_leftovers(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("kbgen-staging"))
        .collect()
}

#[test]
fn a_build_killed_at_random_moments_leaves_the_old_or_the_new_output() {
    let site = Site::shipped();
    let edited = "content/remedies/restart-terminal.md";
    let a = site.read(edited);
    let b = format!("{a}\n补充：重启前先确认最后一笔交易的结果。\n");
    let output = site.path("public");

    // Both complete versions, and how long a build takes.
    site.write(edited, &b);
    assert!(kbgen(site.root(), &site.path("ref-b")).status().unwrap().success());
    let version_b = complete_tree(&site.path("ref-b"));
    site.write(edited, &a);
    let start = Instant::now();
    assert!(kbgen(site.root(), &output).status().unwrap().success());
    let took = start.elapsed();
    let version_a = complete_tree(&output);
    assert_ne!(version_a, version_b);

    // A small LCG: the kill points differ from run to run of the loop but not between runs.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = |bound: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % bound.max(1)
    };
    // Kill points fall in [0, span); span adapts, so that about half the builds finish
    // first however loaded the machine is.
    let mut span = (took.as_micros() as u64 * 5 / 4).max(1_000);
    // How often the killed build had already swapped its output in, and how often not.
    let (mut finished, mut interrupted) = (0, 0);
    let mut previous = version_a.clone();
    for round in 0..50 {
        site.write(edited, if round % 2 == 0 { &b } else { &a });
        let mut child = kbgen(site.root(), &output).spawn().unwrap();
        std::thread::sleep(Duration::from_micros(next(span)));
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let now = complete_tree(&output);
        if now != version_a && now != version_b {
            let mixed: Vec<_> =
                now.keys().filter(|k| version_a.get(*k) != Some(&now[*k])).take(5).collect();
            panic!("round {round}: a mix of versions: {mixed:?}");
        }
        let wanted = if round % 2 == 0 { &version_b } else { &version_a };
        if now == *wanted && previous != *wanted {
            finished += 1;
            span = span * 9 / 10;
        } else if now != *wanted {
            interrupted += 1;
            span = span * 11 / 10;
        }
        previous = now;
    }
    // The kill points spread over the build: some before the swap, some after.
    assert!(finished > 0 && interrupted > 0, "finished {finished}, interrupted {interrupted}");

    // The next build removes what the killed builds left beside the output, and only that.
    assert!(kbgen(site.root(), &output).status().unwrap().success());
    let leftovers = staging_leftovers(site.root());
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(complete_tree(&output), version_a, "the last round wrote version a");
}

/// The good fixture built into `public/`: the site, the output and its files.
fn built_good_fixture() -> (Site, std::path::PathBuf, BTreeMap<String, Vec<u8>>) {
    let site = Site::fixture("good");
    let before = site.build(&[]);
    let output = site.path("public");
    (site, output, before)
}

/// An edit that changes the next build's output.
fn edit_fees(site: &Site) {
    let fees = "content/guides/fees.md";
    site.write(fees, &format!("{}\n新增一段。\n", site.read(fees)));
}

#[test]
fn a_second_build_of_the_same_output_waits_for_the_first() {
    let (site, output, before) = built_good_fixture();

    // Hold the lock as a running build would.
    let lock = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(site.path(".public.kbgen-lock"))
        .unwrap();
    lock.lock().unwrap();
    edit_fees(&site);
    let child = kbgen(site.root(), &output).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(read_tree(&output), before, "nothing is written while another build holds the lock");
    drop(lock);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("waiting for another kbgen build of the same output"), "{stderr}");
    assert_ne!(read_tree(&output), before, "then it builds");
}

#[test]
fn a_write_failure_mid_build_exits_2_naming_the_file_and_keeps_the_old_output() {
    let (site, output, before) = built_good_fixture();
    edit_fees(&site);

    // A full disk, as far as kbgen can tell: files may not grow past 4 KiB. The shell
    // ignores SIGXFSZ first, and exec keeps that, so a write past the limit fails with
    // EFBIG instead of killing the process.
    let out = Command::new("sh")
        .arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -f 8; exec "$0" build --root "$1" --output "$2""#)
        .arg(env!("CARGO_BIN_EXE_kbgen"))
        .arg(site.root())
        .arg(&output)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: cannot write ") && stderr.contains(".kbgen-staging-"),
        "{stderr}"
    );
    assert_eq!(read_tree(&output), before, "the old output is untouched");
    let leftovers = staging_leftovers(site.root());
    assert!(leftovers.is_empty(), "the failed build removed its staging directory: {leftovers:?}");
}

/// One version of the fees guide, told apart by `mark` in its title and at both ends of a
/// body long enough that a write split in two halves cuts through it.
fn fees_version(mark: &str) -> String {
    let filler = format!("费率随机构调整，以{mark}为准。").repeat(200);
    format!(
        "---\ntitle: 费率说明{mark}\nsummary: 常见费率{mark}。\n---\n## 开头{mark}\n\n{filler}\n\n结尾{mark}。\n"
    )
}

#[test]
fn an_article_saved_in_place_while_builds_read_it_is_built_whole() {
    let site = Site::fixture("good");
    let rel = "content/guides/fees.md";
    let path = site.path(rel);
    let versions = [fees_version("甲"), fees_version("乙")];
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));

    // An editor that saves in place again and again, up to 160 ms apart: truncate, write
    // half, pause, write the rest; so the file is empty or half written for 10 ms of each
    // save, about one read in eight.
    let writer = {
        let (path, versions, stop) = (path.clone(), versions.clone(), stop.clone());
        std::thread::spawn(move || {
            use std::io::Write;
            let mut saves = 0usize;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let text = versions[saves % 2].as_bytes();
                let mut file = std::fs::File::create(&path).unwrap();
                file.write_all(&text[..text.len() / 2]).unwrap();
                std::thread::sleep(Duration::from_millis(10));
                file.write_all(&text[text.len() / 2..]).unwrap();
                drop(file);
                std::thread::sleep(Duration::from_millis(40 * (saves as u64 % 5)));
                saves += 1;
            }
            saves
        })
    };

    for i in 0..40 {
        let output = site.path(&format!("out-{i}"));
        let out = kbgen(site.root(), &output).output().unwrap();
        assert!(out.status.success(), "build {i}: {}", String::from_utf8_lossy(&out.stderr));
        let page = std::fs::read_to_string(output.join("guides/fees/index.html")).unwrap();
        let whole = ["甲", "乙"].iter().filter(|m| {
            [format!("费率说明{m}</h1>"), format!("开头{m}"), format!("结尾{m}。")]
                .iter()
                .all(|needle| page.contains(needle.as_str()))
        });
        assert_eq!(whole.count(), 1, "build {i} has one whole version of the page:\n{page}");
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let saves = writer.join().unwrap();
    assert!(saves > 10, "the editor saved {saves} times during the builds");
}
