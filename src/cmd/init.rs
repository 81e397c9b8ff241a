//! `kbgen init DIR`: writes a new site — site.yaml with the default schema and one sample
//! article per kind — that builds with the embedded theme. Never overwrites a file.

use crate::cli::InitArgs;
use anyhow::{Context as _, bail};
use std::path::{Path, PathBuf};

/// The default schema, as DESIGN.md declares it.
pub const DEFAULT_SITE_YAML: &str = "\
title: 我的故障知识库
description: 按症状查找原因和解决办法。
# The absolute URL the site is published at (canonical links, sitemap, feed).
base_url: https://kb.example.com/
language: zh-CN
kinds:
  symptom: { dir: symptoms, label: 症状, relations: { causes: cause } }
  cause:   { dir: causes,   label: 原因, relations: { remedies: remedy } }
  remedy:  { dir: remedies, label: 解决办法 }
  channel: { dir: channels, label: 办理渠道 }
  guide:   { dir: guides,   label: 指南 }
";

const SAMPLES: &[(&str, &str)] = &[
    (
        "content/symptoms/example-symptom.md",
        "---\ntitle: 示例症状：设备无法联网\nsummary: 用一句话说明访客看到的现象。\naliases: [连不上网, 没有网络]\ntags: [示例]\nweight: 10\ncauses: [example-cause]\nchecks:\n  - 先看屏幕上的提示\n---\n\n## 先做什么\n\n按[示例解决办法](../remedies/example-remedy.md)操作。\n",
    ),
    (
        "content/causes/example-cause.md",
        "---\ntitle: 示例原因：网络信号弱\nsummary: 说明这个原因是什么。\ntags: [示例]\nremedies: [example-remedy]\nsigns:\n  - 怎样确认是这个原因\nwho: [商户]\n---\n\n写清楚这个原因的来龙去脉。\n",
    ),
    (
        "content/remedies/example-remedy.md",
        "---\ntitle: 示例解决办法：重启设备\nsummary: 说明这个办法解决什么。\ntime: 5 分钟\nwho: 商户\noutcome: resolution\n---\n\n1. 第一步\n2. 第二步\n",
    ),
    (
        "content/channels/example-channel.md",
        "---\ntitle: 示例办理渠道\nsummary: 说明在哪里办理。\nmaterials: [身份证]\n---\n\n1. 准备材料\n2. 提交申请\n",
    ),
    (
        "content/guides/example-guide.md",
        "---\ntitle: 示例指南\nsummary: 一篇较长的说明文章。\n---\n\n## 第一部分\n\n正文。参见[示例症状](../symptoms/example-symptom.md)。\n",
    ),
    (".gitignore", "/public\n/.public.kbgen-lock\n"),
];

/// Creates the site and returns the files written.
///
/// # Errors
/// If `DIR` already holds a site (site.yaml or content/), or on an I/O failure.
pub fn init_site(args: &InitArgs) -> anyhow::Result<Vec<PathBuf>> {
    let dir = &args.dir;
    for existing in ["site.yaml", "content"] {
        if dir.join(existing).exists() {
            bail!(
                "{} already exists; kbgen init only creates new sites and never overwrites",
                dir.join(existing).display()
            );
        }
    }
    let mut written = Vec::new();
    write_new(&dir.join("site.yaml"), DEFAULT_SITE_YAML, &mut written)?;
    for (rel, text) in SAMPLES {
        let path = dir.join(rel);
        if rel.starts_with('.') && path.exists() {
            continue; // keep the user's own .gitignore
        }
        write_new(&path, text, &mut written)?;
    }
    Ok(written)
}

fn write_new(path: &Path, text: &str, written: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    use std::io::Write as _;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
    written.push(path.to_path_buf());
    Ok(())
}
