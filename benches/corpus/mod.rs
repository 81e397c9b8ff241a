//! A synthetic corpus for benchmarks: a Chinese knowledge base for merchants whose POS
//! terminal stops working, written in kbgen's layout (`site.yaml` and
//! `content/<dir>/<slug>.md`), like `../shared/bench/gen_corpus.py --format kbgen`.
//!
//! Standard library only. Every article draws from its own `SplitMix64` stream, seeded
//! from `seed`, its kind and its index, so the same `n` and `seed` give the same bytes
//! on every machine and Rust version, and nothing depends on hash-map order.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// What was written.
pub(crate) struct Stats {
    /// Article files written.
    #[allow(dead_code, reason = "not every user reads every field")]
    pub articles: usize,
    /// Bytes of every file written, `site.yaml` included.
    #[allow(dead_code, reason = "not every user reads every field")]
    pub bytes: u64,
}

/// Writes a site of `n` articles (site.yaml + content/) into `out`, which must not exist or be empty.
pub(crate) fn generate(n: usize, seed: u64, out: &Path) -> io::Result<Stats> {
    if out.exists() && (!out.is_dir() || out.read_dir()?.next().is_some()) {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not an empty directory", out.display()),
        ));
    }
    let site = Site::new(n, seed);
    let yaml = site_yaml(n, seed);
    std::fs::create_dir_all(out)?;
    std::fs::write(out.join("site.yaml"), &yaml)?;
    let mut bytes = yaml.len() as u64;
    let mut text = String::with_capacity(8192);
    for (kind, k) in KINDS.iter().enumerate() {
        let dir = out.join("content").join(k.dir);
        std::fs::create_dir_all(&dir)?;
        for index in 0..site.articles[kind].len() {
            text.clear();
            site.write_article(seed, kind, index, &mut text);
            std::fs::write(dir.join(format!("{}-{:05}.md", k.name, index + 1)), &text)?;
            bytes += text.len() as u64;
        }
    }
    Ok(Stats { articles: site.articles.iter().map(Vec::len).sum(), bytes })
}

// ------------------------------------------------------------------------- kinds

/// A kind of article: its name (and slug prefix), directory and share of the corpus.
struct Kind {
    name: &'static str,
    dir: &'static str,
    percent: usize,
}

const KINDS: [Kind; 5] = [
    Kind { name: "symptom", dir: "symptoms", percent: 10 },
    Kind { name: "cause", dir: "causes", percent: 35 },
    Kind { name: "remedy", dir: "remedies", percent: 40 },
    Kind { name: "channel", dir: "channels", percent: 5 },
    Kind { name: "guide", dir: "guides", percent: 10 },
];
const SYMPTOM: usize = 0;
const CAUSE: usize = 1;
const REMEDY: usize = 2;
const CHANNEL: usize = 3;
const GUIDE: usize = 4;

/// The relation each kind declares in site.yaml: (field, target kind).
fn relation(kind: usize) -> Option<(&'static str, usize)> {
    match kind {
        SYMPTOM => Some(("causes", CAUSE)),
        CAUSE => Some(("remedies", REMEDY)),
        _ => None,
    }
}

fn site_yaml(n: usize, seed: u64) -> String {
    format!(
        "# A synthetic corpus: benches/corpus, {n} articles, seed {seed}. Not real advice.
title: POS机故障知识库（合成语料）
description: 按症状、原因、解决办法组织的合成知识库，由固定种子随机拼接而成，仅用于基准测试。
base_url: https://kb.example.org/
language: zh-CN
kinds:
  symptom: {{ dir: symptoms, label: 症状,     relations: {{ causes: cause }} }}
  cause:   {{ dir: causes,   label: 原因,     relations: {{ remedies: remedy }} }}
  remedy:  {{ dir: remedies, label: 解决办法 }}
  channel: {{ dir: channels, label: 办理渠道 }}
  guide:   {{ dir: guides,   label: 指南 }}
"
    )
}

/// Articles per kind: each kind's share rounded down, the rest to remedies.
fn counts(n: usize) -> [usize; 5] {
    let mut c = KINDS.map(|k| n / 100 * k.percent + n % 100 * k.percent / 100);
    c[REMEDY] = 0;
    c[REMEDY] = n - c.iter().sum::<usize>();
    c
}

// --------------------------------------------------------------------------- rng

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The `SplitMix64` finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `SplitMix64`: small, fast and fully specified, so its output never changes.
struct Rng(u64);

impl Rng {
    /// The stream of one article: `part` 0 for its metadata, 1 for its body.
    fn new(seed: u64, kind: usize, index: usize, part: u64) -> Self {
        let mut s = mix(seed.wrapping_add(GOLDEN));
        for v in [kind as u64, index as u64, part] {
            s = mix(s ^ mix(v.wrapping_add(GOLDEN)));
        }
        Rng(s)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix(self.0)
    }

    /// A number in `0..n` (multiply-shift; the bias is far below what a corpus can show).
    fn below(&mut self, n: usize) -> usize {
        let x = (u128::from(self.next_u64()) * n as u128) >> 64;
        usize::try_from(x).unwrap_or(0)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    /// True with the given percent chance.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// `lo..=hi` distinct numbers in `0..n` (at most `n`), in drawing order.
    fn sample(&mut self, n: usize, lo: usize, hi: usize) -> Vec<usize> {
        let k = self.range(lo, hi).min(n);
        if n > 4 * k {
            let mut out = Vec::with_capacity(k);
            while out.len() < k {
                let x = self.below(n);
                if !out.contains(&x) {
                    out.push(x);
                }
            }
            out
        } else {
            let mut all: Vec<usize> = (0..n).collect();
            for i in 0..k {
                let j = i + self.below(n - i);
                all.swap(i, j);
            }
            all.truncate(k);
            all
        }
    }
}

// -------------------------------------------------------------------- vocabulary

const DEVICES: &[&str] = &[
    "POS机",
    "智能POS",
    "传统POS",
    "手机POS",
    "电签POS",
    "大POS",
    "扫码盒子",
    "刷卡机",
    "收款终端",
    "移动POS",
    "蓝牙POS",
    "台式POS",
    "收银一体机",
    "云音箱",
];
const DEV_SYN: &[&str] = &["刷卡机", "pos机", "收款机", "机器", "终端", "机子"];
const PARTS: &[&str] = &[
    "SIM卡",
    "流量卡",
    "主板",
    "电池",
    "读卡模块",
    "芯片卡槽",
    "磁条读头",
    "NFC模块",
    "触摸屏",
    "充电口",
    "密码键盘",
    "热敏打印头",
    "天线",
    "存储芯片",
    "电源适配器",
];
const ACTORS: &[&str] = &[
    "商户",
    "收单机构",
    "发卡银行",
    "客服",
    "代理商",
    "业务员",
    "支付公司",
    "风控部门",
    "清算机构",
    "银联",
    "持卡人",
    "店员",
    "法人",
    "运营商",
    "售后网点",
    "服务商",
];
const ISSUES: &[&str] = &[
    "停用",
    "无法刷卡",
    "结算失败",
    "到账延迟",
    "账户冻结",
    "交易受限",
    "签到失败",
    "网络中断",
    "费率上调",
    "提示未开通",
    "交易超时",
    "密钥失效",
    "终端未激活",
    "商户号注销",
    "风控拦截",
    "提示非法交易",
    "二维码支付失败",
    "打印异常",
    "无法开机",
    "频繁掉线",
    "提示余额不足",
    "闪退",
    "黑屏",
    "提示证书过期",
    "结算卡被退回",
    "交易被撤销",
    "资金被延迟清算",
    "提示机具未绑定",
    "提示商户状态异常",
    "无法连接WiFi",
];
const ACTIONS: &[&str] = &[
    "重新签到",
    "更新参数",
    "软件升级",
    "联系客服",
    "提交资料",
    "重启设备",
    "更换SIM卡",
    "检查网络",
    "补充身份证照片",
    "重新绑定结算卡",
    "申请解冻",
    "下载密钥",
    "恢复出厂设置",
    "更换电池",
    "修改结算账户",
    "申请人工审核",
    "重新入网",
    "完成实名认证",
    "签署补充协议",
    "清理缓存",
    "申请换机",
    "核对商户信息",
    "开通扫码权限",
    "调整交易限额",
    "上传经营场所照片",
    "补录营业执照",
    "绑定新设备",
    "申请费率调整",
    "注销旧商户号",
];
const CONCEPTS: &[&str] = &[
    "结算",
    "费率",
    "到账",
    "T+1结算",
    "D0到账",
    "秒到",
    "手续费",
    "营业执照",
    "身份证",
    "结算卡",
    "交易流水",
    "日限额",
    "单笔限额",
    "风险等级",
    "商户类别码",
    "小微商户",
    "交易密码",
    "押金",
    "激活返现",
    "流量费",
    "服务费",
    "冻结资金",
    "调单",
    "退款",
    "预授权",
    "信用卡额度",
    "借记卡",
    "云闪付",
    "微信支付",
    "支付宝",
];
const DOCS: &[&str] = &[
    "身份证正反面",
    "结算卡照片",
    "营业执照副本",
    "门头照片",
    "收银台照片",
    "经营场所租赁合同",
    "交易小票",
    "情况说明",
    "手持身份证照片",
    "近三个月交易流水",
    "进货单据",
    "授权委托书",
];
const TIMES: &[&str] = &[
    "当天",
    "次日",
    "三个工作日内",
    "月底",
    "节假日期间",
    "凌晨",
    "高峰时段",
    "刚开通时",
    "连续七天",
    "长期闲置后",
    "升级之后",
    "换卡之后",
    "晚上十一点以后",
    "周末",
    "月初",
];
const PLACES: &[&str] = &[
    "地下室",
    "商场角落",
    "菜市场",
    "流动摊位",
    "农村集市",
    "写字楼电梯旁",
    "加油站",
    "餐馆后厨",
    "夜市",
    "服装店试衣间附近",
];
const CHANNELS: &[&str] = &[
    "客服热线",
    "官方App",
    "微信公众号",
    "银行网点",
    "代理商门店",
    "小程序",
    "官方网站",
    "售后服务中心",
    "业务员上门",
    "在线客服",
];
const CONNS: &[&str] = &[
    "一般来说",
    "通常",
    "此外",
    "需要注意的是",
    "另外",
    "因此",
    "同时",
    "在这种情况下",
    "多数情况下",
    "实际上",
    "值得一提的是",
    "从经验看",
    "按照规定",
    "简单地说",
];
const TAGS: &[&str] = &[
    "结算",
    "到账",
    "停用",
    "网络",
    "硬件",
    "软件升级",
    "账户冻结",
    "费率",
    "二维码支付",
    "刷卡",
    "风控",
    "资料审核",
    "客服",
    "银行卡",
    "商户入网",
    "押金",
    "流量卡",
    "签到",
    "密钥",
    "打印",
    "电池",
    "实名认证",
    "营业执照",
    "小微商户",
    "信用卡",
    "云闪付",
    "微信支付",
    "支付宝",
    "限额",
    "退款",
    "手续费",
    "注销",
    "换机",
    "投诉",
    "防骗",
    "激活",
    "秒到",
    "预授权",
    "调单",
    "迁移",
];
const MATERIALS: &[&str] = &[
    "身份证原件",
    "结算银行卡",
    "营业执照",
    "门头照片",
    "经营场所照片",
    "手机号码",
    "原机具编号",
    "申请表",
    "授权书",
    "租赁合同",
    "情况说明",
    "交易凭条",
];
const GUIDE_TOPICS: &[&str] = &[
    "新商户开通",
    "日常结算",
    "停用后恢复",
    "换机与迁移",
    "费率与手续费",
    "防范刷卡骗局",
    "资料审核",
    "异地使用",
    "节假日收款",
    "机具保养",
    "扫码收款",
    "商户注销",
    "投诉与维权",
    "风控与调单",
    "网络与信号",
];
const PAYTYPES: &[&str] = &["扫码", "刷卡", "挥卡", "云闪付", "微信", "支付宝", "芯片卡", "磁条卡"];
const CHANNEL_WHAT: &[&str] = &[
    "解冻",
    "换机",
    "重新入网",
    "费率调整",
    "结算卡变更",
    "商户注销",
    "投诉",
    "资料补充",
    "机具激活",
    "押金退还",
];
const AMOUNTS: &[&str] = &["500", "1000", "2000", "5000", "20000", "50000"];
const RATES: &[&str] = &["0.38", "0.55", "0.6", "0.63", "0.68", "1.0"];
const MINUTES: &[&str] = &["5", "10", "15", "30", "60"];
const MIN_FEES: &[&str] = &["0.1", "0.5", "1", "3", "5"];
const SETTLEMENT: &[&str] = &["T+1", "D0", "T+0", "秒到", "次日到账", "T+1（节假日顺延）"];

const SENTENCES: &[&str] = &[
    "{conn}，{actor}发现{device}{issue}，往往与{concept}有关。",
    "{time}{device}出现{issue}时，建议先{action}，再观察{concept}是否恢复正常。",
    "{actor}会根据{concept}和{concept2}判断是否需要{action}。",
    "若单笔金额超过{num}元，{actor}可能触发{issue}，此时应{action}。",
    "在{place}使用{device}时，信号不稳定容易导致{issue}。",
    "请保留{doc}和{doc2}，以便{actor}核实后{action}。",
    "{device}的{part}老化也会造成{issue}，{time}尤其明显。",
    "据{actor}统计，约{pct}%的{issue}问题可以通过{action}解决。",
    "费率为{rate}%的{device}在{time}{issue}，需要{action}。",
    "不要轻信陌生来电要求{action}，正规{actor}不会索要交易密码或验证码。",
    "完成{action}后，等待约{num2}分钟，再尝试一笔小额{paytype}交易。",
    "{conn}，{concept}与{concept2}是两回事，{actor}处理的部门也不同。",
    "如果屏幕提示“{issue}”，说明{actor}那边已经做了限制，自己{action}通常无效。",
    "{actor}在{time}集中处理{concept}，因此{issue}的情况会多一些。",
    "{device}长时间不用会被系统判定为闲置，可能直接{issue}。",
    "有的{actor}要求先{action}，然后才能恢复{concept}。",
    "{conn}，{part}松动时{device}会间歇性{issue}，轻轻插紧即可。",
    "遇到{issue}，先别急着{action}，可以通过{channel}查询当前状态。",
    "{concept}按{rate}%收取，每笔最低{num3}元，具体以{actor}公布为准。",
    "商户名称、{concept}和{doc}三者信息不一致，是{issue}的常见诱因。",
    "部分{device}升级固件后需要{action}，否则会提示{issue}。",
    "{time}如果连续几笔都{issue}，最好暂停收款并{action}。",
    "通过{channel}提交申请后，{actor}一般会在{time}给出答复。",
    "{conn}，{paytype}和刷卡走的是不同通道，一个失败不代表另一个也不能用。",
    "{actor}有权对可疑交易做{concept}处理，商户可以配合提供{doc}。",
    "为避免{issue}，建议每周检查一次{part}，并保持{device}电量充足。",
    "把{device}放在{place}之外的地方重新试一次，可以排除信号原因。",
    "如果{action}之后仍然{issue}，请记录时间和错误码，再联系{actor}。",
    "{concept}到账时间受银行清算影响，{time}顺延属于正常现象。",
    "不同{actor}对{concept}的规定不完全相同，办理前先问清楚。",
];

const SYMPTOM_TITLES: &[&str] = &[
    "{device}提示{issue}怎么办",
    "{device}{time}突然{issue}",
    "{device}{issue}，{concept}也受影响",
    "{device}刷卡后{issue}",
    "{device}一直{issue}",
    "为什么{device}会{issue}",
];
const CAUSE_TITLES: &[&str] = &[
    "{concept}异常导致{issue}",
    "{part}故障引起{issue}",
    "{actor}风控导致{issue}",
    "{concept}信息不一致",
    "{time}{concept}调整",
    "{part}接触不良",
    "{actor}系统维护",
    "{concept}超出限制",
];
const REMEDY_TITLES: &[&str] = &[
    "如何{action}",
    "{action}的操作步骤",
    "通过{channel}{action}",
    "{device}{action}方法",
    "{action}（{concept}相关）",
    "{action}后仍{issue}的处理",
];
const CHANNEL_TITLES: &[&str] =
    &["通过{channel}办理{what}", "{channel}：{what}", "在{channel}申请{what}"];
const GUIDE_TITLES: &[&str] =
    &["{topic}指南", "{topic}常见问题汇总", "{topic}：商户须知", "一文看懂{topic}"];
const ALIASES: &[&str] =
    &["{issue}", "不能用了", "{issue}了怎么办", "老是{issue}", "{concept}出问题", "怎么{action}"];
const SUBHEADINGS: &[&str] = &["{concept}相关", "关于{issue}", "{actor}的说明", "{time}的注意事项"];
const CHECKS: &[&str] = &[
    "看屏幕是否提示“{issue}”",
    "试刷一笔小额{paytype}交易",
    "检查{part}是否松动",
    "通过{channel}查询商户状态",
    "确认{concept}是否正常",
    "核对{doc}是否过期",
];
const SIGNS: &[&str] = &[
    "屏幕提示“{issue}”",
    "{time}集中出现{issue}",
    "收到{actor}关于{concept}的通知",
    "{part}发热或松动",
    "{paytype}能用，刷卡却{issue}",
    "{concept}和{concept2}的记录对不上",
];
const REMEDY_TIMES: &[&str] =
    &["5 分钟", "10 分钟", "15–30 分钟", "半小时左右", "当天", "1–3 个工作日", "3–7 个工作日"];
const REMEDY_WHO: &[&str] = &["商户", "商户", "支付公司", "客服", "代理商", "银行"];
const ALERTS: &[&str] = &["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"];

/// The words a template field draws from (`pct` is a number instead).
fn words(field: &str) -> &'static [&'static str] {
    match field {
        "conn" => CONNS,
        "actor" => ACTORS,
        "device" => DEVICES,
        "issue" => ISSUES,
        "time" => TIMES,
        "action" => ACTIONS,
        "place" => PLACES,
        "part" => PARTS,
        "paytype" => PAYTYPES,
        "channel" => CHANNELS,
        "what" => CHANNEL_WHAT,
        "topic" => GUIDE_TOPICS,
        "concept" | "concept2" => CONCEPTS,
        "doc" | "doc2" => DOCS,
        "num" => AMOUNTS,
        "rate" => RATES,
        "num2" => MINUTES,
        "num3" => MIN_FEES,
        _ => unreachable!("unknown template field {field}"),
    }
}

/// The value of `field` in this template: drawn once, reused if the field repeats;
/// `concept2` and `doc2` always differ from `concept` and `doc`.
fn draw<'t>(rng: &mut Rng, field: &'t str, drawn: &mut Vec<(&'t str, usize)>) -> usize {
    if let Some(&(_, v)) = drawn.iter().find(|(f, _)| *f == field) {
        return v;
    }
    let v = if field == "pct" {
        rng.range(20, 95)
    } else {
        let len = words(field).len();
        match field {
            "concept2" | "doc2" => {
                let first = draw(rng, &field[..field.len() - 1], drawn);
                (first + 1 + rng.below(len - 1)) % len
            }
            _ => rng.below(len),
        }
    };
    drawn.push((field, v));
    v
}

/// Appends `template` with each `{field}` filled in.
fn fill(rng: &mut Rng, template: &str, out: &mut String) {
    let start = out.len();
    let mut drawn = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').expect("templates close their fields");
        let field = &rest[open + 1..close];
        let v = draw(rng, field, &mut drawn);
        if field == "pct" {
            let _ = write!(out, "{v}");
        } else {
            out.push_str(words(field)[v]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    if out[start..].contains("提示提示") {
        let fixed = out[start..].replace("提示提示", "提示");
        out.truncate(start);
        out.push_str(&fixed);
    }
}

fn filled(rng: &mut Rng, templates: &[&str]) -> String {
    let mut s = String::new();
    let t = rng.pick(templates);
    fill(rng, t, &mut s);
    s
}

fn sentence(rng: &mut Rng, out: &mut String) {
    let t = rng.pick(SENTENCES);
    fill(rng, t, out);
}

/// Appends `lo..=hi` sentences, sometimes led by a bold note.
fn paragraph(rng: &mut Rng, lo: usize, hi: usize, out: &mut String) {
    if rng.chance(8) {
        out.push_str("**注意：**");
    }
    for _ in 0..rng.range(lo, hi) {
        sentence(rng, out);
    }
}

/// Appends a numbered list of `lo..=hi` sentences.
fn steps(rng: &mut Rng, lo: usize, hi: usize, out: &mut String) {
    for j in 1..=rng.range(lo, hi) {
        let _ = write!(out, "{j}. ");
        sentence(rng, out);
        out.push('\n');
    }
}

/// Appends a YAML double-quoted scalar.
fn quoted(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out.push('"');
}

fn quoted_list<S: AsRef<str>>(xs: &[S], out: &mut String) {
    out.push('[');
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        quoted(x.as_ref(), out);
    }
    out.push(']');
}

fn block_list<S: AsRef<str>>(field: &str, xs: &[S], out: &mut String) {
    let _ = writeln!(out, "{field}:");
    for x in xs {
        out.push_str("  - ");
        quoted(x.as_ref(), out);
        out.push('\n');
    }
}

// ---------------------------------------------------------------------- articles

/// An article's front matter, drawn before any body so bodies can link by title.
struct Meta {
    title: String,
    summary: String,
    aliases: Vec<String>,
    tags: Vec<&'static str>,
    weight: usize,
    updated: (usize, usize, usize),
    /// Indices into the kind's relation target, most likely first.
    related: Vec<usize>,
    /// A channel's materials, listed in the front matter and the body.
    materials: Vec<&'static str>,
    /// Kind-specific fields (`checks`, `signs`, `who`, `time`, `outcome`, `materials`),
    /// as YAML lines.
    extra: String,
}

struct Site {
    articles: [Vec<Meta>; 5],
    /// For each cause, the first symptom that lists it.
    symptom_of_cause: Vec<Option<usize>>,
    /// For each remedy, the first cause that lists it.
    cause_of_remedy: Vec<Option<usize>>,
}

fn days_in(year: usize, month: usize) -> usize {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Site {
    fn new(n: usize, seed: u64) -> Self {
        let counts = counts(n);
        let articles = std::array::from_fn(|kind| {
            (0..counts[kind])
                .map(|i| Meta::new(&mut Rng::new(seed, kind, i, 0), kind, &counts))
                .collect()
        });
        let mut site = Site {
            articles,
            symptom_of_cause: vec![None; counts[CAUSE]],
            cause_of_remedy: vec![None; counts[REMEDY]],
        };
        for (s, m) in site.articles[SYMPTOM].iter().enumerate() {
            for &c in &m.related {
                site.symptom_of_cause[c].get_or_insert(s);
            }
        }
        for (c, m) in site.articles[CAUSE].iter().enumerate() {
            for &r in &m.related {
                site.cause_of_remedy[r].get_or_insert(c);
            }
        }
        site
    }

    /// Appends `[title](../dir/slug.md)`, the link the Python generator writes.
    fn link(&self, kind: usize, index: usize, out: &mut String) {
        let k = &KINDS[kind];
        let title = &self.articles[kind][index].title;
        let _ = write!(out, "[{title}](../{}/{}-{:05}.md)", k.dir, k.name, index + 1);
    }

    /// A random article of `kind` other than (`kind`, `me`), if there is one.
    fn other(&self, rng: &mut Rng, kind: usize, me: (usize, usize)) -> Option<usize> {
        let len = self.articles[kind].len();
        let i = (len > 0).then(|| rng.below(len))?;
        (me != (kind, i)).then_some(i)
    }

    /// Appends `详见[…](…)。` to a random article of `kind`.
    fn see(&self, rng: &mut Rng, kind: usize, me: (usize, usize), out: &mut String) {
        if let Some(i) = self.other(rng, kind, me) {
            out.push_str("详见");
            self.link(kind, i, out);
            out.push('。');
        }
    }

    fn write_article(&self, seed: u64, kind: usize, index: usize, out: &mut String) {
        let m = &self.articles[kind][index];
        out.push_str("---\ntitle: ");
        quoted(&m.title, out);
        out.push_str("\nsummary: ");
        quoted(&m.summary, out);
        if !m.aliases.is_empty() {
            out.push_str("\naliases: ");
            quoted_list(&m.aliases, out);
        }
        out.push_str("\ntags: ");
        quoted_list(&m.tags, out);
        let (y, mo, d) = m.updated;
        let _ = write!(out, "\nweight: {}\nupdated: {y:04}-{mo:02}-{d:02}\n", m.weight);
        if let Some((field, target)) = relation(kind).filter(|_| !m.related.is_empty()) {
            let _ = write!(out, "{field}: [");
            for (j, &r) in m.related.iter().enumerate() {
                let sep = if j > 0 { ", " } else { "" };
                let _ = write!(out, "{sep}{}-{:05}", KINDS[target].name, r + 1);
            }
            out.push_str("]\n");
        }
        out.push_str(&m.extra);
        out.push_str("---\n\n");
        let start = out.len();
        self.write_body(&mut Rng::new(seed, kind, index, 1), kind, index, out);
        let body = &out[start..];
        let trimmed = body.trim_end().len();
        out.truncate(start + trimmed);
        out.push('\n');
    }

    /// The body: the kind's sections, sometimes a table and an alert, then filler
    /// paragraphs up to a drawn size of 1.6–3.8 KB.
    fn write_body(&self, rng: &mut Rng, kind: usize, index: usize, out: &mut String) {
        let start = out.len();
        let target = rng.range(1600, 3800);
        let me = (kind, index);
        self.sections(rng, kind, index, out);
        if rng.chance(if kind == GUIDE { 60 } else { 25 }) {
            table(rng, out);
        }
        if out.len() - start >= target {
            return;
        }
        out.push_str("\n\n## 补充说明\n\n");
        self.filler(rng, me, start, target, out);
    }

    /// Filler after the kind's sections: paragraphs, some under a `###` heading, some
    /// ending in a link, cut off at `target` bytes after `start`.
    fn filler(
        &self,
        rng: &mut Rng,
        me: (usize, usize),
        start: usize,
        target: usize,
        out: &mut String,
    ) {
        let mut first = true;
        while out.len() - start < target {
            if !first {
                out.push_str("\n\n");
                if rng.chance(30) {
                    out.push_str("### ");
                    let t = rng.pick(SUBHEADINGS);
                    fill(rng, t, out);
                    out.push_str("\n\n");
                }
            }
            first = false;
            // A paragraph of up to four sentences, cut short at the target size.
            for _ in 0..rng.range(2, 4) {
                sentence(rng, out);
                if out.len() - start >= target {
                    break;
                }
            }
            if rng.chance(15) {
                let k = rng.pick(&[SYMPTOM, CAUSE, REMEDY, GUIDE]);
                if let Some(i) = self.other(rng, k, me) {
                    out.push_str("可以参考");
                    self.link(k, i, out);
                    out.push('。');
                }
            }
        }
    }

    /// The kind's own sections: headings, lists, and links to its relations.
    fn sections(&self, rng: &mut Rng, kind: usize, index: usize, out: &mut String) {
        let me = (kind, index);
        let m = &self.articles[kind][index];
        match kind {
            SYMPTOM => {
                out.push_str("## 现象描述\n\n");
                paragraph(rng, 3, 5, out);
                self.alert(rng, me, out);
                out.push_str("\n\n## 可能原因\n\n");
                for (j, &c) in m.related.iter().enumerate() {
                    let _ = write!(out, "{}. ", j + 1);
                    self.link(CAUSE, c, out);
                    out.push('：');
                    sentence(rng, out);
                    out.push('\n');
                }
                out.push_str("\n## 先做这几步\n\n");
                steps(rng, 3, 5, out);
                out.push_str("\n## 收款不能停怎么办\n\n");
                paragraph(rng, 2, 3, out);
                self.see(rng, CHANNEL, me, out);
            }
            CAUSE => {
                out.push_str("## 原因说明\n\n");
                paragraph(rng, 3, 5, out);
                if let Some(s) = self.symptom_of_cause[index] {
                    out.push_str("常见的表现是");
                    self.link(SYMPTOM, s, out);
                    out.push('。');
                }
                self.alert(rng, me, out);
                out.push_str("\n\n## 如何确认\n\n");
                steps(rng, 2, 4, out);
                out.push_str("\n## 解决办法\n\n");
                for &r in &m.related {
                    out.push_str("- ");
                    self.link(REMEDY, r, out);
                    out.push('\n');
                }
                out.push('\n');
                paragraph(rng, 1, 3, out);
                self.see(rng, SYMPTOM, me, out);
            }
            REMEDY => {
                out.push_str("## 适用情况\n\n");
                paragraph(rng, 2, 4, out);
                if let Some(c) = self.cause_of_remedy[index] {
                    out.push_str("多用于");
                    self.link(CAUSE, c, out);
                    out.push_str("的情况。");
                }
                self.alert(rng, me, out);
                out.push_str("\n\n## 操作步骤\n\n");
                steps(rng, 3, 6, out);
                out.push_str("\n## 办理之后\n\n");
                paragraph(rng, 1, 3, out);
                self.see(rng, CHANNEL, me, out);
            }
            CHANNEL => {
                out.push_str("## 渠道说明\n\n");
                paragraph(rng, 2, 4, out);
                self.alert(rng, me, out);
                out.push_str("\n\n## 需要准备的材料\n\n");
                for material in &m.materials {
                    let _ = writeln!(out, "- {material}");
                }
                out.push_str("\n## 办理流程\n\n");
                steps(rng, 3, 5, out);
                out.push('\n');
                self.see(rng, REMEDY, me, out);
            }
            _ => {
                out.push_str("## 概述\n\n");
                paragraph(rng, 3, 5, out);
                self.alert(rng, me, out);
                out.push_str("\n\n## 常见情况\n\n");
                if !self.articles[SYMPTOM].is_empty() {
                    for j in 1..=rng.range(3, 5) {
                        let s = rng.below(self.articles[SYMPTOM].len());
                        let _ = write!(out, "{j}. ");
                        self.link(SYMPTOM, s, out);
                        out.push('：');
                        sentence(rng, out);
                        out.push('\n');
                    }
                }
                out.push_str("\n## 建议\n\n");
                paragraph(rng, 2, 4, out);
                self.see(rng, CHANNEL, me, out);
            }
        }
    }

    /// Sometimes appends a GFM alert after the first paragraph.
    fn alert(&self, rng: &mut Rng, me: (usize, usize), out: &mut String) {
        if rng.chance(20) {
            let _ = write!(out, "\n\n> [!{}]\n> ", rng.pick(ALERTS));
            sentence(rng, out);
            if rng.chance(30)
                && let Some(g) = self.other(rng, GUIDE, me)
            {
                out.push_str("参见");
                self.link(GUIDE, g, out);
                out.push('。');
            }
        }
    }
}

/// Appends a section with a GFM table: fees and settlement, or prompts and what to do.
fn table(rng: &mut Rng, out: &mut String) {
    if rng.chance(50) {
        out.push_str(
            "\n\n## 费率与到账参考\n\n| 收款方式 | 费率 | 到账时间 | 单笔限额 |\n|---|---|---|---|\n",
        );
        for p in rng.sample(PAYTYPES.len(), 3, 5) {
            let rate = rng.pick(RATES);
            let settle = rng.pick(SETTLEMENT);
            let limit = rng.pick(AMOUNTS);
            let _ = writeln!(out, "| {} | {rate}% | {settle} | {limit}元 |", PAYTYPES[p]);
        }
    } else {
        out.push_str("\n\n## 提示与处理对照\n\n| 屏幕提示 | 可能原因 | 建议 |\n|---|---|---|\n");
        for i in rng.sample(ISSUES.len(), 3, 5) {
            let concept = rng.pick(CONCEPTS);
            let action = rng.pick(ACTIONS);
            let _ = writeln!(out, "| {} | {concept}异常 | {action} |", ISSUES[i]);
        }
    }
    out.push('\n');
    paragraph(rng, 1, 2, out);
}

impl Meta {
    fn new(rng: &mut Rng, kind: usize, counts: &[usize; 5]) -> Self {
        let titles = match kind {
            SYMPTOM => SYMPTOM_TITLES,
            CAUSE => CAUSE_TITLES,
            REMEDY => REMEDY_TITLES,
            CHANNEL => CHANNEL_TITLES,
            _ => GUIDE_TITLES,
        };
        let title = filled(rng, titles);
        let mut summary = String::new();
        sentence(rng, &mut summary);
        let wanted = if kind == SYMPTOM { rng.range(2, 5) } else { rng.range(0, 3) };
        let mut aliases: Vec<String> = Vec::with_capacity(wanted);
        for _ in 0..4 * wanted {
            if aliases.len() == wanted {
                break;
            }
            let mut a = rng.pick(DEV_SYN).to_owned();
            let t = rng.pick(ALIASES);
            fill(rng, t, &mut a);
            if a != title && !aliases.contains(&a) {
                aliases.push(a);
            }
        }
        let tags = rng.sample(TAGS.len(), 1, 4).into_iter().map(|i| TAGS[i]).collect();
        let weight = rng.range(1, 100);
        let year = rng.range(2024, 2026);
        let month = rng.range(1, 12);
        let updated = (year, month, rng.range(1, days_in(year, month)));
        let related = match relation(kind) {
            Some((_, CAUSE)) => rng.sample(counts[CAUSE], 3, 8),
            Some((_, target)) => rng.sample(counts[target], 2, 6),
            None => Vec::new(),
        };
        let mut extra = String::new();
        let mut materials = Vec::new();
        match kind {
            SYMPTOM if rng.chance(60) => {
                let checks: Vec<String> =
                    (0..rng.range(2, 4)).map(|_| filled(rng, CHECKS)).collect();
                block_list("checks", &checks, &mut extra);
            }
            CAUSE => {
                if rng.chance(60) {
                    let signs: Vec<String> =
                        (0..rng.range(2, 4)).map(|_| filled(rng, SIGNS)).collect();
                    block_list("signs", &signs, &mut extra);
                }
                if rng.chance(50) {
                    let who: Vec<&str> =
                        rng.sample(ACTORS.len(), 1, 3).into_iter().map(|i| ACTORS[i]).collect();
                    extra.push_str("who: ");
                    quoted_list(&who, &mut extra);
                    extra.push('\n');
                }
            }
            REMEDY => {
                if rng.chance(60) {
                    let _ = writeln!(extra, "time: {}", rng.pick(REMEDY_TIMES));
                }
                if rng.chance(50) {
                    let _ = writeln!(extra, "who: {}", rng.pick(REMEDY_WHO));
                }
                if rng.chance(70) {
                    let outcome = if rng.chance(75) { "resolution" } else { "workaround" };
                    let _ = writeln!(extra, "outcome: {outcome}");
                }
            }
            CHANNEL => {
                materials =
                    rng.sample(MATERIALS.len(), 2, 5).into_iter().map(|i| MATERIALS[i]).collect();
                block_list("materials", &materials, &mut extra);
            }
            _ => {}
        }
        Meta { title, summary, aliases, tags, weight, updated, related, materials, extra }
    }
}
