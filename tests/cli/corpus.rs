//! Corpus runs: a tree of every kind of input, written to a mirror, in place, checked,
//! diffed and reported; interrupted in place with every original left whole.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{repo, stderr, stdout, zhnorm, Scratch};

/// A fresh directory for one test, removed when it is done.
fn fresh_dir(name: &str) -> Scratch {
    Scratch::dir(std::env::temp_dir().join(format!("zhnorm-corpus-{}-{name}", std::process::id())))
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> String {
    let mut out = String::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_string(&mut out)
        .unwrap();
    out
}

const TRAD: &str = "王毅同俄外長拉夫羅夫通電話:中俄關係很好\n";
const TRAD_NORMALIZED: &str = "王毅同俄外长拉夫罗夫通电话：中俄关系很好\n";

/// Good files, a GBK file, a `.gz` file, a binary file, an empty file, a hidden file, a
/// dangling symbolic link, and a JSONL file with a malformed line.
fn build_tree(root: &Path) {
    let news = std::fs::read_to_string(repo().join("examples/hk-news.txt")).unwrap();
    std::fs::create_dir_all(root.join("sub/deeper")).unwrap();
    std::fs::write(root.join("a.txt"), TRAD).unwrap();
    std::fs::write(root.join("sub/news.txt"), &news).unwrap();
    std::fs::write(root.join("sub/gbk.txt"), encoding_rs::GBK.encode(TRAD).0).unwrap();
    std::fs::write(root.join("sub/deeper/packed.txt.gz"), gzip(TRAD.as_bytes())).unwrap();
    std::fs::write(root.join("clean.txt"), TRAD_NORMALIZED).unwrap();
    std::fs::write(root.join("empty.txt"), "").unwrap();
    std::fs::write(
        root.join("image.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01",
    )
    .unwrap();
    std::fs::write(root.join(".hidden.txt"), TRAD).unwrap();
    std::fs::write(
        root.join("records.jsonl"),
        "{\"id\":1,\"text\":\"外長\"}\n{not json\n{\"id\":3,\"text\":\"國務\"}\n",
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("missing.txt"), root.join("dangling.txt")).unwrap();
}

/// `records.jsonl` of [`build_tree`] without its malformed line.
const VALID_RECORDS: &str = "{\"id\":1,\"text\":\"外長\"}\n{\"id\":3,\"text\":\"國務\"}\n";

/// The JSON report a run wrote to `path`.
fn read_report(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_tree_is_mirrored_with_everything_accounted_for() {
    let dir = fresh_dir("mirror");
    let (input, out) = (dir.join("in"), dir.join("out"));
    build_tree(&input);
    let report = dir.join("report.json");
    // (Files named `.jsonl` are records without `--jsonl`.)
    let o = zhnorm(
        &["-o", arg(&out), "--report", arg(&report), arg(&input)],
        "",
    );
    // The malformed JSONL line is reported with its file and line, and fails the run.
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("records.jsonl:2: "), "{err}");
    assert!(err.contains("passed through unchanged"), "{err}");
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    assert_eq!(read("a.txt"), TRAD_NORMALIZED);
    assert_eq!(read("clean.txt"), TRAD_NORMALIZED);
    assert_eq!(read("sub/gbk.txt"), TRAD_NORMALIZED);
    assert_eq!(read("empty.txt"), "");
    let packed = std::fs::read(out.join("sub/deeper/packed.txt.gz")).unwrap();
    assert_eq!(gunzip(&packed), TRAD_NORMALIZED);
    assert_eq!(
        read("records.jsonl"),
        "{\"id\":1,\"text\":\"外长\"}\n{not json\n{\"id\":3,\"text\":\"国务\"}\n"
    );
    for left_out in ["image.png", ".hidden.txt", "dangling.txt"] {
        assert!(!out.join(left_out).exists(), "{left_out} was written");
    }
    // The summary counts what was skipped, and the encodings and scripts found.
    assert!(
        err.contains("skipped (binary 1, hidden 1, symbolic link 1)"),
        "{err}"
    );
    assert!(err.contains("GBK 1"), "{err}");
    assert!(err.contains("traditional"), "{err}");
    // The report has one entry per input, with a status each.
    let report = read_report(&report);
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 10);
    let status = |name: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(name))
            .map(|f| f["status"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(status("a.txt"), "changed");
    assert_eq!(status("clean.txt"), "unchanged");
    assert_eq!(status("image.png"), "skipped");
    assert_eq!(report["summary"]["encodings"]["GBK"], 1);
}

#[test]
fn in_place_gives_the_bytes_of_the_mirror_and_check_then_passes() {
    let dir = fresh_dir("in-place");
    let (input, out) = (dir.join("in"), dir.join("out"));
    build_tree(&input);
    std::fs::write(input.join("records.jsonl"), VALID_RECORDS).unwrap();
    let o = zhnorm(&["--check", arg(&input)], "");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let listed = stdout(&o);
    assert!(
        listed.contains("a.txt") && !listed.contains("clean.txt"),
        "{listed}"
    );

    let o = zhnorm(&["-o", arg(&out), arg(&input)], "");
    assert!(o.status.success(), "{}", stderr(&o));
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(input.join("a.txt"), std::fs::Permissions::from_mode(0o640))
            .unwrap();
        0o640
    };
    let o = zhnorm(&["--in-place", arg(&input)], "");
    assert!(o.status.success(), "{}", stderr(&o));
    for name in [
        "a.txt",
        "clean.txt",
        "empty.txt",
        "sub/news.txt",
        "sub/gbk.txt",
        "sub/deeper/packed.txt.gz",
        "records.jsonl",
    ] {
        assert_eq!(
            std::fs::read(input.join(name)).unwrap(),
            std::fs::read(out.join(name)).unwrap(),
            "{name}"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(input.join("a.txt")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, mode);
    }
    // Nothing left behind, and nothing more to change.
    let leftovers: Vec<_> = walk(&input)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".zhnorm-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let o = zhnorm(&["--check", arg(&input)], "");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn diff_shows_what_would_change_and_changes_nothing() {
    let dir = fresh_dir("diff");
    let file = dir.join("a.txt");
    std::fs::write(&file, format!("不变的一行\n{TRAD}")).unwrap();
    let o = zhnorm(&["--diff", arg(&file)], "");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let diff = stdout(&o);
    let path = file.display();
    assert!(
        diff.starts_with(&format!("--- a/{path}\n+++ b/{path}\n@@ -1,2 +1,2 @@\n")),
        "{diff}"
    );
    assert!(diff.contains(&format!("-{TRAD}")), "{diff}");
    assert!(diff.contains(&format!("+{TRAD_NORMALIZED}")), "{diff}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("不变的一行\n{TRAD}")
    );
}

#[test]
fn output_order_does_not_depend_on_the_number_of_jobs() {
    let dir = fresh_dir("jobs");
    build_tree(&dir);
    std::fs::write(dir.join("records.jsonl"), VALID_RECORDS).unwrap();
    let one = zhnorm(&["-j", "1", "-q", arg(&dir)], "");
    let two = zhnorm(&["-j", "2", "-q", arg(&dir)], "");
    assert_eq!(stdout(&one), stdout(&two));
    assert!(
        stdout(&one).starts_with(TRAD_NORMALIZED),
        "a.txt comes first"
    );
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
}

#[test]
fn an_interrupted_in_place_run_leaves_every_original_whole() {
    let dir = fresh_dir("kill");
    let news = std::fs::read_to_string(repo().join("examples/hk-news.txt")).unwrap();
    let big = news.repeat(100); // about 2.5 MB each: the run takes a while
    let expected = stdout(&zhnorm(&["-q", "-"], &big));
    for i in 0..24 {
        std::fs::write(dir.join(format!("{i:02}.txt")), &big).unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhnorm"))
        .args(["--in-place", "-q", "-j", "2", arg(&dir)])
        .spawn()
        .unwrap();
    // Killed as soon as the first file has been replaced.
    let first_done = || {
        (0..24).any(|i| {
            std::fs::metadata(dir.join(format!("{i:02}.txt")))
                .is_ok_and(|m| m.len() != big.len() as u64)
        })
    };
    let started = std::time::Instant::now();
    while !first_done() && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let mut done = 0;
    for i in 0..24 {
        let text = std::fs::read_to_string(dir.join(format!("{i:02}.txt"))).unwrap();
        assert!(text == big || text == expected, "{i:02}.txt is neither");
        done += (text == expected) as usize;
    }
    // Temporary files may remain; they are hidden, so a later run skips them.
    let o = zhnorm(&["--in-place", "-q", arg(&dir)], "");
    assert!(o.status.success(), "{}", stderr(&o));
    for i in 0..24 {
        let text = std::fs::read_to_string(dir.join(format!("{i:02}.txt"))).unwrap();
        assert_eq!(text, expected, "{i:02}.txt after the second run");
    }
    println!("{done} of 24 files were done when the run was killed");
    assert!(done < 24, "the run ended before it could be interrupted");
}

#[test]
fn completions_and_man_page_are_generated() {
    let o = zhnorm(&["completions", "bash"], "");
    assert!(o.status.success());
    assert!(stdout(&o).contains("--in-place"));
    let o = zhnorm(&["man"], "");
    assert!(o.status.success());
    assert!(stdout(&o).contains(".TH zhnorm"));
}

#[cfg(unix)]
#[test]
fn an_entry_that_cannot_be_read_fails_alone() {
    let dir = fresh_dir("follow");
    std::fs::write(dir.join("a.txt"), TRAD).unwrap();
    std::fs::write(dir.join("c.txt"), TRAD).unwrap();
    // Followed, each is an entry that cannot be read: a dangling link, and one that opens
    // but fails as it is read (even for root, who may read any file whatever its mode:
    // Linux's /proc/self/mem gives EIO at offset 0). It fails, named, and the files
    // around it are still processed, in order.
    let targets = [dir.join("missing.txt"), PathBuf::from("/proc/self/mem")];
    for target in targets.iter().filter(|t| t.starts_with(&dir) || t.exists()) {
        let _ = std::fs::remove_file(dir.join("b.txt"));
        std::os::unix::fs::symlink(target, dir.join("b.txt")).unwrap();
        let o = zhnorm(&["--follow", arg(&dir)], "");
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(stdout(&o), format!("{TRAD_NORMALIZED}{TRAD_NORMALIZED}"));
        let err = stderr(&o);
        assert!(err.contains("b.txt: cannot read"), "{err}");
        assert!(err.contains("1 failed"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn a_jsonl_record_with_a_fifty_megabyte_field() {
    let dir = fresh_dir("big-field");
    let field = "國(guó)語，中文。".repeat((50 << 20) / 27);
    let record = serde_json::json!({"id": 7, "text": field, "tag": "big"});
    let path = dir.join("big.jsonl");
    std::fs::write(&path, format!("{record}\n{{\"text\": \"臺灣\"}}\n")).unwrap();
    let o = zhnorm(&["--jsonl", "-q", arg(&path)], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["id"], 7);
    assert_eq!(first["tag"], "big");
    // (Not `assert_eq!`: a failure would print 50 MB.)
    let text = first["text"].as_str().unwrap();
    assert!(
        text == "国语，中文。".repeat((50 << 20) / 27),
        "{}…",
        &text[..60]
    );
    // (The record's layout is kept.)
    assert_eq!(lines[1], r#"{"text": "台湾"}"#);
}

/// Runs `zhnorm args` with standard error on a terminal (util-linux `script` gives it one);
/// what the terminal showed, or `None` where `script` is missing.
fn on_a_terminal(args: &[&str]) -> Option<String> {
    let command = std::iter::once(env!("CARGO_BIN_EXE_zhnorm"))
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let output = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .output()
        .ok()?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn a_long_run_on_a_terminal_shows_progress_unless_quiet() {
    // More than 200 inputs is a long run.
    let dir = fresh_dir("progress");
    let (tree, mirror) = (dir.join("tree"), dir.join("mirror"));
    std::fs::create_dir_all(&tree).unwrap();
    for i in 0..250 {
        std::fs::write(tree.join(format!("{i}.txt")), TRAD).unwrap();
    }
    let Some(shown) = on_a_terminal(&["-o", arg(&mirror), arg(&tree)]) else {
        eprintln!("skipped: no `script` to give zhnorm a terminal");
        return;
    };
    // The bar counts bytes read against the total, and is cleared before the summary.
    let total = format!("/{:.2} KiB", 250.0 * TRAD.len() as f64 / 1024.0);
    assert!(shown.contains(&total), "{shown:?}");
    assert!(shown.contains("eta"), "{shown:?}");
    assert!(shown.contains("250 inputs"), "{shown:?}");
    let quiet = on_a_terminal(&["-q", "-o", arg(&mirror), arg(&tree)]).unwrap();
    assert_eq!(quiet, "");
    // Not on a terminal (standard error is a pipe here): no bar, the summary only.
    let piped = zhnorm(&["-o", arg(&mirror), arg(&tree)], "");
    assert!(!stderr(&piped).contains("eta"), "{}", stderr(&piped));
    assert!(stderr(&piped).contains("250 inputs"));
}

#[test]
fn a_single_file_to_standard_output_is_reported_with_its_script() {
    // No summary is printed for one file to standard output, so its script is read only
    // for the report: asked for, it is there.
    let dir = fresh_dir("single-report");
    let (input, report) = (dir.join("a.txt"), dir.join("report.json"));
    std::fs::write(&input, TRAD).unwrap();
    let o = zhnorm(&["--report", arg(&report), arg(&input)], "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), TRAD_NORMALIZED);
    let report = read_report(&report);
    assert_eq!(report["files"][0]["script"], "traditional", "{report}");
    assert_eq!(report["summary"]["scripts"]["traditional"], 1, "{report}");
    let o = zhnorm(&[arg(&input)], "");
    assert_eq!(stdout(&o), TRAD_NORMALIZED);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn a_garbled_document_is_reported_in_the_script_it_is_written_in() {
    // Simplified Chinese saved as UTF-8 and read as GBK: as it arrives, it reads as a mix
    // of rare characters of both scripts; repaired, it is Simplified.
    let dir = fresh_dir("garbled-report");
    let (input, report) = (dir.join("a.txt"), dir.join("report.json"));
    let simplified = "国务院关于进一步加强网络安全工作的通知\n各省、自治区、直辖市人民政府：\n";
    let garbled = encoding_rs::GBK
        .decode(simplified.as_bytes())
        .0
        .into_owned();
    assert_eq!(zhnorm::classify(&garbled).script, zhnorm::Script::Mixed);
    std::fs::write(&input, &garbled).unwrap();
    let o = zhnorm(&["--report", arg(&report), arg(&input)], "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), simplified);
    let report = read_report(&report);
    assert_eq!(report["files"][0]["script"], "simplified", "{report}");
}

#[test]
fn a_jsonl_file_is_reported_in_the_script_of_its_fields() {
    // The field normalized holds Simplified text garbled through GBK; another field,
    // left alone, holds Traditional. The report speaks of the field, repaired.
    let dir = fresh_dir("jsonl-report");
    let (input, report) = (dir.join("a.jsonl"), dir.join("report.json"));
    let garbled = encoding_rs::GBK
        .decode("国务院关于进一步加强网络安全工作的通知".as_bytes())
        .0
        .into_owned();
    let line = serde_json::json!({"text": garbled, "source": "國語日報"}).to_string();
    std::fs::write(&input, format!("{line}\n")).unwrap();
    let o = zhnorm(
        &[
            "--jsonl",
            "--field",
            "text",
            "--report",
            arg(&report),
            arg(&input),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("国务院关于进一步加强网络安全工作的通知"));
    let report = read_report(&report);
    assert_eq!(report["files"][0]["script"], "simplified", "{report}");
}

#[test]
fn files_named_as_jsonl_are_records_and_records_of_another_shape_are_counted() {
    // Without --jsonl, a `.jsonl` or `.ndjson` file is records all the same: read as text,
    // `repair` would write a raw quote for `&quot;` inside a JSON string.
    let dir = fresh_dir("jsonl-names");
    let (input, other, report) = (
        dir.join("a.jsonl"),
        dir.join("b.ndjson"),
        dir.join("report.json"),
    );
    std::fs::write(&input, "{\"text\": \"&quot;國&quot;\"}\n").unwrap();
    std::fs::write(
        &other,
        "{\"content\":\"國\"}\n{\"text\":\"國\"}\n{\"content\":\"家\"}\n",
    )
    .unwrap();
    let o = zhnorm(&["--report", arg(&report), arg(&input), arg(&other)], "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\"text\": \"“国”\"}\n{\"content\":\"國\"}\n{\"text\":\"国\"}\n{\"content\":\"家\"}\n"
    );
    // Records without the field pass through, and are counted where the user sees them:
    // the summary, the report, the note on a single file.
    let err = stderr(&o);
    assert!(
        err.contains("2 JSONL records held none of the fields named"),
        "{err}"
    );
    let alone = zhnorm(&[arg(&other)], "");
    assert!(
        stderr(&alone).contains("b.ndjson: 2 JSONL records held none of the fields named (text)"),
        "{}",
        stderr(&alone)
    );
    let report = read_report(&report);
    assert_eq!(report["files"][1]["records_without_fields"], 2, "{report}");
    assert_eq!(report["files"][1]["format"], "jsonl", "{report}");
    assert_eq!(report["summary"]["records_without_fields"], 2, "{report}");
    // A dotted path reaches into nested records, through arrays.
    let chat = "{\"id\":1,\"turns\":[{\"from\":\"human\",\"value\":\"國\"},{\"value\":\"家\"}]}\n";
    let o = zhnorm(&["--jsonl", "--field", "turns.value", "-"], chat);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\"id\":1,\"turns\":[{\"from\":\"human\",\"value\":\"国\"},{\"value\":\"家\"}]}\n"
    );
}

#[test]
fn a_json_document_has_its_strings_normalized_and_its_layout_kept() {
    // chinese-poetry's layout. Read as text, its lines of verse became `“…。”，`, which no
    // JSON reader takes.
    let dir = fresh_dir("json-document");
    let (poems, broken) = (dir.join("poet.tang.0.json"), dir.join("broken.json"));
    std::fs::write(
        &poems,
        "[\n    {\n        \"author\": \"太宗皇帝\",\n        \"paragraphs\": [\n            \
         \"秦川雄帝宅，函谷壯皇居。\",\n            \"綺殿千尋起，離宮百雉餘。\"\n        ],\n        \
         \"title\": \"帝京篇 長安\"\n    }\n]\n",
    )
    .unwrap();
    std::fs::write(&broken, "{\"title\": \"國\",\n \"n\": }\n").unwrap();
    let o = zhnorm(&["-q", arg(&poems)], "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "[\n    {\n        \"author\": \"太宗皇帝\",\n        \"paragraphs\": [\n            \
         \"秦川雄帝宅，函谷壮皇居。\",\n            \"绮殿千寻起，离宫百雉余。\"\n        ],\n        \
         \"title\": \"帝京篇 长安\"\n    }\n]\n"
    );
    // Fields named limit a document to them, through its arrays.
    let o = zhnorm(&["-q", "--field", "paragraphs", arg(&poems)], "");
    assert!(
        stdout(&o).contains("\"绮殿千寻起，离宫百雉余。\""),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("\"帝京篇 長安\""), "{}", stdout(&o));
    // JSON no reader takes is passed through, and the run fails naming the line.
    let o = zhnorm(&[arg(&broken)], "");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stdout(&o), "{\"title\": \"國\",\n \"n\": }\n");
    assert!(
        stderr(&o).contains("broken.json:2: invalid JSON"),
        "{}",
        stderr(&o)
    );
    // A document larger than a segment streams, its syntax checked as it goes (an array of
    // 89 MB was read whole: 271 MB of memory). Where it fails, the rest is passed through
    // unchanged, and the line is named; a document cut short is normalized, and named.
    let array = dir.join("array.json");
    let items: Vec<String> = (0..12_000)
        .map(|i| format!("  {{\"id\": {i}, \"text\": \"第{i}個\"}},\n"))
        .collect();
    let document = format!("[\n{}  {{}}\n]\n", items.concat());
    std::fs::write(&array, &document).unwrap();
    let o = zhnorm(&["-q", arg(&array)], "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), document.replace('個', "个"));
    let mut broken_items = items.clone();
    broken_items[10_000] = "  {\"text\": \"國\" \"x\"},\n".to_string();
    let broken_array = format!("[\n{}  {{}}\n]\n", broken_items.concat());
    std::fs::write(&array, &broken_array).unwrap();
    let o = zhnorm(&[arg(&array)], "");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("array.json:10002: invalid JSON"),
        "{}",
        stderr(&o)
    );
    // (The first segment, `[` and 8,191 items, came before.)
    let before = format!("[\n{}", broken_items[..8_191].concat());
    assert_eq!(
        stdout(&o),
        before.replace('個', "个") + &broken_array[before.len()..]
    );
    let cut_short = &document[..document.len() - 6];
    std::fs::write(&array, cut_short).unwrap();
    let o = zhnorm(&[arg(&array)], "");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stdout(&o), cut_short.replace('個', "个"));
    assert!(
        stderr(&o)
            .contains("array.json:12002: invalid JSON: the document ends before its value does"),
        "{}",
        stderr(&o)
    );
    // Datasets often name their JSON Lines `.json`: records, read as such.
    let lines = dir.join("train.json");
    std::fs::write(&lines, "{\"text\": \"國\"}\n{\"text\": \"家\"}\n{oops\n").unwrap();
    let o = zhnorm(&[arg(&lines)], "");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\"text\": \"国\"}\n{\"text\": \"家\"}\n{oops\n"
    );
    assert!(stderr(&o).contains("train.json:3: "), "{}", stderr(&o));
    // Read as records from its first lines, such a file streams in segments (it was read
    // whole, 180 MB of memory for 76 MB): a line malformed past the first segment is named
    // by its line too, and the report says JSON Lines.
    let big = dir.join("big.json");
    let mut records: Vec<String> = (0..10_000)
        .map(|i| format!("{{\"id\": {i}, \"text\": \"第{i}個\"}}\n"))
        .collect();
    records[9_000] = "{\"text\": oops}\n".to_string();
    std::fs::write(&big, records.concat()).unwrap();
    let report = dir.join("big-report.json");
    let o = zhnorm(&["--report", arg(&report), arg(&big)], "");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let want: String = records.iter().map(|r| r.replace('個', "个")).collect();
    assert_eq!(stdout(&o), want);
    assert!(stderr(&o).contains("big.json:9001: "), "{}", stderr(&o));
    let report = std::fs::read_to_string(&report).unwrap();
    assert!(report.contains("\"format\": \"jsonl\""), "{report}");
}

#[test]
fn a_subtitle_script_keeps_its_fields_and_fonts() {
    // Read as text, an event's field separators became `，` and the style's font was
    // renamed: no player shows the line, and the font is not found.
    let dir = fresh_dir("subtitles");
    let path = dir.join("episode.ass");
    let script = "[V4+ Styles]\nFormat: Name, Fontname, Fontsize\nStyle: Default,微軟正黑體,20\n\n\
                  [Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n\
                  Dialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,{\\an8}你好,世界!\\N這是測試.\n";
    std::fs::write(&path, script).unwrap();
    let o = zhnorm(&["-q", arg(&path)], "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        script.replace("你好,世界!\\N這是測試.", "你好，世界！\\N这是测试。")
    );
    // `.srt` needs nothing of the kind: its timings stay as they are.
    let srt = dir.join("episode.srt");
    std::fs::write(&srt, "1\n00:00:01,000 --> 00:00:03,500\n你好,世界!\n").unwrap();
    let o = zhnorm(&["-q", arg(&srt)], "");
    assert_eq!(
        stdout(&o),
        "1\n00:00:01,000 --> 00:00:03,500\n你好，世界！\n"
    );
}

#[test]
fn a_page_read_from_gbk_declares_the_utf_8_it_is_written_in() {
    // Written as UTF-8 and still declaring gb2312, the page is read by browsers as GBK:
    // the mojibake zhnorm exists to undo.
    let dir = fresh_dir("redeclare");
    let (page, out) = (dir.join("page.html"), dir.join("out"));
    let html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\
                <title>测试页面</title></head><body><p>这是一个测试页面,我们来看看.</p></body></html>\n";
    std::fs::write(&page, encoding_rs::GBK.encode(html).0).unwrap();
    let o = zhnorm(&["-q", "-o", arg(&out), arg(&page)], "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written = std::fs::read_to_string(out.join("page.html")).unwrap();
    assert!(written.contains("charset=utf-8\">"), "{written}");
    assert!(written.contains("测试页面，我们来看看。"), "{written}");
    // `--only decode` gives the text exactly as decoded, as iconv would.
    let o = zhnorm(&["-q", "--only", "decode", arg(&page)], "");
    assert_eq!(stdout(&o), html);
    // A page with nothing to change is not rewritten in place: it stays GBK, as declared.
    let clean = html.replace(",我们来看看.", "，我们来看看。");
    std::fs::write(&page, encoding_rs::GBK.encode(&clean).0).unwrap();
    let o = zhnorm(&["-q", "--in-place", arg(&page)], "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&page).unwrap(),
        &*encoding_rs::GBK.encode(&clean).0
    );
}

#[test]
fn a_table_keeps_its_separators_and_quoting() {
    // Read as text, the first cell's comma became `，` and the cell's quotes curled: one
    // cell of prose where there were two.
    let dir = fresh_dir("table");
    let (csv, tsv) = (dir.join("reviews.csv"), dir.join("words.tsv"));
    std::fs::write(
        &csv,
        "label,review\n1,\"他說\"\"很好\"\",還會再來.\"\n0,\"不推薦, 太貴\"\n",
    )
    .unwrap();
    std::fs::write(&tsv, "詞\t釋義\n蘋果\t一種水果,很甜.\n").unwrap();
    let o = zhnorm(&["-q", arg(&csv), arg(&tsv)], "");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "label,review\n1,\"他说“很好”，还会再来。\"\n0,\"不推荐，太贵\"\n\
         詞\t釋義\n苹果\t一种水果，很甜。\n"
    );
    // A cell that holds a line break stays whole where the text is cut into segments
    // (every 8,192 lines: with a header first, the cuts fall inside cells), and only the
    // first row can be a header.
    let rows: String = (0..9000).map(|i| format!("{i},\"國\n家\"\n")).collect();
    let o = zhnorm(
        &["-q", "--format", "csv", "-"],
        &format!("名稱,說明\n{rows}"),
    );
    assert_eq!(
        stdout(&o),
        format!("名稱,說明\n{}", rows.replace('國', "国"))
    );
    // Standard input, or a file named otherwise, in the format asked for.
    let o = zhnorm(&["-q", "--format", "csv", "-"], "1,\"他說\"\"好\"\"\"\n");
    assert_eq!(stdout(&o), "1,\"他说“好”\"\n");
}
