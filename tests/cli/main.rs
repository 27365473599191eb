//! Integration tests of the `zhnorm` command: it is run as a user would run it.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod corpus;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs zhnorm with `args` in the repository root, feeding `stdin`.
fn zhnorm(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhnorm"))
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("zhnorm runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A file in a fresh temporary directory.
fn temp_file(name: &str, bytes: &[u8]) -> Scratch {
    let dir = std::env::temp_dir().join(format!("zhnorm-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    Scratch { path, dir }
}

/// A path in a temporary directory of a test's own, removed when the test is done with
/// it (also when it fails).
pub struct Scratch {
    path: PathBuf,
    dir: PathBuf,
}

impl Scratch {
    /// A fresh, empty directory.
    fn dir(dir: PathBuf) -> Scratch {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch {
            path: dir.clone(),
            dir,
        }
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<std::ffi::OsStr> for Scratch {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.path.as_os_str()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn example_document_matches_opencc() {
    let o = zhnorm(
        &[
            "--opencc-exact",
            "--only",
            "convert",
            "examples/hk-news.txt",
        ],
        "",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let expected =
        std::fs::read_to_string(repo().join("tests/golden/hk-news.t2s.expected.txt")).unwrap();
    assert_eq!(stdout(&o), expected);
}

#[test]
fn example_document_gets_its_punctuation_and_spacing_back() {
    let o = zhnorm(&["examples/hk-news.txt"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("俄总理米舒斯京：真诚愿意"), "{out}");
    assert!(out.contains("最后更新：23:33"), "{out}");
    assert!(out.contains("米舒斯京（右）在"), "{out}");
    assert!(out.contains("\n你或有兴趣的文章"), "{out}");
    assert_eq!(
        out.lines().count(),
        stdout(&zhnorm(&["--only", "convert", "examples/hk-news.txt"], ""))
            .lines()
            .count()
    );
}

#[test]
fn stdin_and_dash_read_standard_input() {
    for args in [&[][..], &["-"][..]] {
        let o = zhnorm(args, "中俄關係\n第二行\r\n");
        assert_eq!(stdout(&o), "中俄关系\n第二行\n"); // `space` ends lines with LF
        let o = zhnorm(
            &[args, &["--skip", "space"]].concat(),
            "中俄關係\n第二行\r\n",
        );
        assert_eq!(stdout(&o), "中俄关系\n第二行\r\n");
    }
}

#[test]
fn every_config_and_none_are_accepted() {
    let o = zhnorm(&["--convert", "s2twp"], "网络软件\n");
    assert_eq!(stdout(&o), "網路軟體\n");
    let o = zhnorm(&["--convert", "none"], "國\n");
    assert_eq!(stdout(&o), "國\n");
}

#[test]
fn a_bad_file_is_reported_and_the_rest_still_run() {
    let bad = temp_file("bad.txt", b"fine\nbroken \xFF byte\n");
    let good = temp_file("good.txt", "國\n".as_bytes());
    let o = zhnorm(
        &[
            "--encoding",
            "utf-8",
            "--strict",
            bad.to_str().unwrap(),
            good.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "国\n");
    let err = stderr(&o);
    assert!(err.contains("bad.txt") && err.contains("line 2"), "{err}");
    let o = zhnorm(&["/no/such/file"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/no/such/file"));
}

#[test]
fn undecodable_bytes_become_replacement_characters_and_are_reported() {
    let mut bytes = "第一行\n第二行壞了\n".as_bytes().to_vec();
    bytes.insert(bytes.len() - 7, 0xFF);
    let file = temp_file("replaced.txt", &bytes);
    let o = zhnorm(&["--convert", "none", file.to_str().unwrap()], "");
    assert!(o.status.success());
    assert_eq!(stdout(&o), "第一行\n第二行\u{FFFD}壞了\n");
    let err = stderr(&o);
    assert!(
        err.contains("replaced.txt") && err.contains("1 undecodable byte sequence"),
        "{err}"
    );
    let o = zhnorm(
        &["--quiet", "--convert", "none", file.to_str().unwrap()],
        "",
    );
    assert_eq!(stderr(&o), "");
}

#[test]
fn legacy_encodings_are_detected_or_forced() {
    // GBK (from iconv's table, not ours) and Big5 files without any declaration.
    let gbk = temp_file("gbk.txt", b"\xd6\xd0\xce\xc4\xb1\xea\xcc\xe2\n");
    let o = zhnorm(&[gbk.to_str().unwrap()], "");
    assert_eq!(stdout(&o), "中文标题\n");
    assert!(
        stderr(&o).contains("read as GBK (detected)"),
        "{}",
        stderr(&o)
    );
    let big5 = temp_file("big5.txt", b"\xb0\xea\xbb\xda\xb7\x73\xbbD\n");
    let o = zhnorm(&["--convert", "none", big5.to_str().unwrap()], "");
    assert_eq!(stdout(&o), "國際新聞\n");
    // Forced, GBK bytes read as Big5 are mojibake: `--only decode` shows it; the `repair`
    // stage undoes it.
    let args = [
        "--encoding",
        "big5",
        "--convert",
        "none",
        gbk.to_str().unwrap(),
    ];
    let o = zhnorm(&[&args[..], &["--only", "decode"]].concat(), "");
    assert!(o.status.success());
    assert_ne!(stdout(&o), "中文标题\n", "a forced encoding is obeyed");
    assert_eq!(stdout(&zhnorm(&args, "")), "中文标题\n");
    let o = zhnorm(&["--encoding", "klingon"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown encoding `klingon`"));
}

#[test]
fn symbols_pasted_as_utf8_into_a_gbk_page_come_back() {
    // A GBK page whose template wrote `&nbsp;`, `©` and `°` as UTF-8: read as GBK they
    // are `聽`, `漏` and `掳`; the no-break spaces then become spaces.
    let gbk = |text: &str| encoding_rs::GBK.encode(text).0.into_owned();
    let mut page = gbk("\u{3000}据新华社北京电，");
    page.extend("\u{A0}\u{A0}".as_bytes());
    page.extend(gbk("国务院今天发布通知。版权所有 "));
    page.extend("©".as_bytes());
    page.extend(gbk(" 2020 新华网\n今天最高气温 25"));
    page.extend("°".as_bytes());
    page.extend(gbk("C。\n"));
    let file = temp_file("pasted.txt", &page);
    let o = zhnorm(&[file.to_str().unwrap()], "");
    assert_eq!(
        stdout(&o).lines().take(2).collect::<Vec<_>>(),
        [
            "\u{3000}据新华社北京电，  国务院今天发布通知。版权所有 © 2020 新华网",
            "今天最高气温 25°C。"
        ]
    );
    let decoded = zhnorm(&["--only", "decode", file.to_str().unwrap()], "");
    assert!(
        stdout(&decoded).contains("聽聽国务院"),
        "{}",
        stdout(&decoded)
    );
}

#[test]
fn only_decode_prints_the_decoded_text() {
    let bom = temp_file("bom.txt", "\u{FEFF}國家\n".as_bytes());
    let o = zhnorm(&["--only", "decode", bom.to_str().unwrap()], "");
    assert_eq!(stdout(&o), "國家\n");
    let o = zhnorm(&["--skip", "convert"], "國家\n");
    assert_eq!(stdout(&o), "國家\n");
}

#[test]
fn unknown_names_are_errors_that_list_the_choices() {
    let o = zhnorm(&["--only", "convert,colour"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("colour")
            && stderr(&o).contains("repair, pinyin, unicode, convert, punct, space")
    );
    let o = zhnorm(&["--convert", "t2x"], "");
    assert!(
        stderr(&o).contains("t2x") && stderr(&o).contains("s2twp"),
        "{}",
        stderr(&o)
    );
    let o = zhnorm(&["--punct", "fancy"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("fancy") && stderr(&o).contains("cjk, tw, hk, search, keep"));
}

#[test]
fn punctuation_mode_follows_the_target_or_the_option() {
    let folded = "他說\"你好\",然後離開了...\n";
    assert_eq!(stdout(&zhnorm(&[], folded)), "他说“你好”，然后离开了……\n");
    assert_eq!(
        stdout(&zhnorm(&["--convert", "s2tw"], folded)),
        "他說「你好」，然後離開了……\n"
    );
    assert_eq!(
        stdout(&zhnorm(&["--convert", "none", "--punct", "keep"], folded)),
        folded
    );
    assert_eq!(
        stdout(&zhnorm(
            &["--convert", "none", "--punct", "search"],
            "（ＡＢ）！\u{3000}好\n"
        )),
        "(AB)! 好\n"
    );
}

#[test]
fn policies_and_tofu_risk() {
    assert_eq!(stdout(&zhnorm(&[], "由於單欄\n")), "由于单栏\n");
    assert_eq!(
        stdout(&zhnorm(&["--opencc-exact"], "由於單欄\n")),
        "由於单栏\n"
    );
    assert_eq!(stdout(&zhnorm(&[], "蹔\n")), "蹔\n");
    assert_eq!(stdout(&zhnorm(&["--include-tofu-risk"], "蹔\n")), "𫏐\n");
}

#[test]
fn user_dictionary_takes_priority() {
    let dict = temp_file("user.txt", "# names\n乾隆\t乾隆帝\n".as_bytes());
    let o = zhnorm(&["--dict", dict.to_str().unwrap()], "乾隆乾燥\n");
    assert_eq!(stdout(&o), "乾隆帝干燥\n");
    let bad = temp_file("bad-dict.txt", b"no tab\n");
    let o = zhnorm(&["--dict", bad.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad-dict.txt") && stderr(&o).contains("line 1"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn jsonl_normalizes_named_fields_and_keeps_the_rest() {
    let input = concat!(
        r#"{"id":7,"text":"國家","title":"說明","n":1.50,"nested":{"text":"國"}}"#,
        "\n",
        "not json\n",
        r#"{"id":8,"text":"简体"}"#,
        "\n",
        "[1,2]\n",
        r#"{"text":"無換行"}"#,
    );
    let o = zhnorm(&["--jsonl", "--field", "text", "--field", "title"], input);
    assert_eq!(
        o.status.code(),
        Some(2),
        "malformed lines make the run report failure"
    );
    let lines: Vec<&str> = stdout(&o).leak().split_inclusive('\n').collect();
    assert_eq!(
        lines[0],
        "{\"id\":7,\"text\":\"国家\",\"title\":\"说明\",\"n\":1.50,\"nested\":{\"text\":\"國\"}}\n"
    );
    assert_eq!(lines[1], "not json\n");
    assert_eq!(lines[2], "{\"id\":8,\"text\":\"简体\"}\n");
    assert_eq!(lines[3], "[1,2]\n");
    assert_eq!(lines[4], "{\"text\":\"无换行\"}");
    let err = stderr(&o);
    assert!(
        err.contains("<stdin>:2:") && err.contains("<stdin>:4:"),
        "{err}"
    );
}

#[test]
fn a_closed_pipe_is_success() {
    let big = "中華民國的國語\n".repeat(200_000);
    let path = temp_file("big.txt", big.as_bytes());
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhnorm"))
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "exit {:?}: {}", o.status, stderr(&o));
}

#[test]
fn injected_pinyin_is_removed_before_conversion() {
    let o = zhnorm(&["tests/golden/pinyin-injected.trad.txt"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("王毅同俄外长拉夫罗夫通电话"), "{out}");
    assert!(out.contains("国务委员兼外长王毅"), "{out}");
    assert!(
        !out.contains("(zhǎng)") && !out.contains("（zhǎng）"),
        "{out}"
    );
    // The writer's own parentheses stay.
    let o = zhnorm(
        &["--only", "pinyin"],
        "比耶省(Bié)、银行(yínháng)、王毅(Wang Yi)\n",
    );
    assert_eq!(stdout(&o), "比耶省(Bié)、银行(yínháng)、王毅(Wang Yi)\n");
}

#[test]
fn utf16_without_a_byte_order_mark_is_text_not_binary() {
    // A real man page: mostly ASCII, whose high bytes are NUL, and `一` (U+4E00), whose
    // low byte is NUL too, on the other side of its pair.
    let page = std::fs::read_to_string(repo().join("tests/fixtures/syntax/ip.zh_CN.7")).unwrap();
    assert!(page.contains('一'));
    for (name, bytes) in [
        (
            "le.7",
            page.encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<_>>(),
        ),
        (
            "be.7",
            page.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        ),
    ] {
        let file = temp_file(name, &bytes);
        let o = zhnorm(&["--only", "decode", file.to_str().unwrap()], "");
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o) == page, "{name}: {}", stderr(&o));
    }
}

#[test]
fn a_file_named_alone_and_skipped_says_so() {
    let binary = temp_file(
        "skipped.bin",
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x01\x02\x03",
    );
    let o = zhnorm(&[binary.to_str().unwrap()], "");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(
        stderr(&o).contains("skipped.bin: skipped (binary)"),
        "{}",
        stderr(&o)
    );
    let quiet = zhnorm(&["--quiet", binary.to_str().unwrap()], "");
    assert!(quiet.stderr.is_empty());
}
