//! Stage micro-benchmarks (criterion): load, parse, resolve, render, index and write, each
//! alone, on a generated corpus (`benches/corpus`, the same generator as
//! `cargo run --release --example gen_corpus`).
//!
//!     cargo bench --bench stages                       # 1,000 articles
//!     KBGEN_BENCH_N=10000 cargo bench --bench stages   # another size
//!
//! Whole builds at 1k–100k articles, and peers side by side, are in BENCHMARKS.md.

#[path = "corpus/mod.rs"]
mod corpus;

use criterion::{BatchSize, Criterion, criterion_main};
use kbgen::render::{self, Discard, Memory, RenderOptions, Sink};
use kbgen::{assets::Theme, index, load, parse, resolve, write};
use std::collections::BTreeMap;
use std::hint::black_box;

fn stages(c: &mut Criterion) {
    let n = std::env::var("KBGEN_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    corpus::generate(n, 1, &root).expect("generate the corpus");
    let config = kbgen::read_config(&root).expect("site.yaml").expect("valid site.yaml");

    let mut group = c.benchmark_group(format!("stages/{n}"));
    group.sample_size(10);
    group.bench_function("load", |b| b.iter(|| load::load_site(black_box(&root), &config)));

    let (loaded, _) = load::load_site(&root, &config);
    group.bench_function("parse", |b| {
        b.iter(|| parse::parse_all(black_box(&loaded.sources), &config, false))
    });

    let (articles, _) = parse::parse_all(&loaded.sources, &config, false);
    group.bench_function("resolve", |b| {
        b.iter_batched(
            || (config.clone(), articles.clone()),
            |(config, articles)| resolve::resolve(config, articles, false, Default::default()),
            BatchSize::LargeInput,
        )
    });

    let (site, diags) = resolve::resolve(config.clone(), articles, false, Default::default());
    assert!(!diags.iter().any(kbgen::diag::Diagnostic::is_error), "the corpus must be valid");
    let theme = Theme::new(&BTreeMap::new()).expect("embedded theme");
    let tera = render::compile_theme(&theme).expect("embedded templates compile");
    let render_into = |sink: &dyn Sink| {
        let plan = render::plan(&site, &theme);
        render::render_site(plan, &site, &theme, &tera, RenderOptions::default(), sink, &|| {})
            .expect("render")
    };
    group.bench_function("render", |b| b.iter(|| render_into(&Discard)));
    group.bench_function("index", |b| b.iter(|| index::build_index(black_box(&site), false)));

    let memory = Memory::default();
    render_into(&memory);
    let outputs = memory.into_outputs();
    let paths: Vec<String> = outputs.keys().cloned().collect();
    let write_all = |output: &std::path::Path| {
        let staging = write::Staging::create(output).expect("staging");
        staging.plan(&paths).expect("plan");
        for (path, bytes) in &outputs {
            staging.emit(path, bytes.clone()).expect("emit");
        }
        staging.commit().expect("commit")
    };
    let mut fresh = 0;
    group.bench_function("write (new output)", |b| {
        b.iter_batched(
            || {
                fresh += 1;
                dir.path().join(format!("out-{fresh}"))
            },
            |output| write_all(&output),
            BatchSize::PerIteration,
        )
    });
    let same = dir.path().join("out-same");
    write_all(&same);
    group.bench_function("write (unchanged rebuild)", |b| b.iter(|| write_all(&same)));
    group.finish();
}

#[allow(missing_docs, reason = "criterion's macro defines the group function")]
mod group {
    criterion::criterion_group!(benches, super::stages);
}
criterion_main!(group::benches);
