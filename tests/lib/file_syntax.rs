//! Files whose syntax sits next to Chinese text come out of the whole pipeline still
//! well-formed, their text normalized: real gettext catalogues of LibreOffice and real
//! pages of manpages-zh (tests/fixtures/syntax, cut by make.py there). A quote curled in
//! `msgstr "错误"` or in `.SH "描述"`, or a trailing `\ ` trimmed to a lone backslash,
//! breaks the file for `msgfmt` or `man`.

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../tests/fixtures/syntax/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

/// What is wrong with a catalogue's syntax, line by line: each line that is not blank or
/// a comment is a keyword and a string, or a string continuing one; each string is
/// closed, quotes inside it are escaped, and its escapes are C's.
fn catalogue_errors(po: &str) -> Vec<String> {
    let mut errors = Vec::new();
    for (k, line) in po.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let keyword = line
            .find(' ')
            .map_or(line, |space| &line[..space])
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '[' || c == ']');
        let string = match keyword {
            "msgctxt" | "msgid" | "msgid_plural" | "msgstr" => &line[line.find(' ').unwrap() + 1..],
            _ if line.starts_with('"') => line,
            _ => {
                errors.push(format!("line {}: no keyword or string: {line}", k + 1));
                continue;
            }
        };
        let Some(body) = string
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .filter(|_| string.len() >= 2)
        else {
            errors.push(format!("line {}: not one quoted string: {line}", k + 1));
            continue;
        };
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            let wrong = match c {
                '\\' => !chars
                    .next()
                    .is_some_and(|e| "\\\"'?abfnrtv01234567x".contains(e)),
                '"' => true,
                _ => false,
            };
            if wrong {
                errors.push(format!("line {}: bad escape or stray quote: {line}", k + 1));
                break;
            }
        }
    }
    errors
}

#[test]
fn catalogues_keep_their_syntax_and_their_translations_are_normalized() {
    for name in ["zh_CN.po", "zh_TW.po"] {
        let source = fixture(name);
        assert_eq!(catalogue_errors(&source), Vec::<String>::new(), "{name}");
        let out = zhnorm::normalize(&source);
        assert_eq!(catalogue_errors(&out), Vec::<String>::new(), "{name}");
        // The same entries: their keys are English, which nothing changes.
        let keys = |po: &str| -> Vec<String> {
            po.lines()
                .filter(|l| l.starts_with("msgid ") || l.starts_with("msgctxt "))
                .map(String::from)
                .collect()
        };
        assert_eq!(keys(&out), keys(&source), "{name}");
        // And the translations were worked on: punctuation restored, script converted.
        let changed = source
            .lines()
            .zip(out.lines())
            .filter(|(a, b)| a != b)
            .count();
        assert!(changed >= 20, "{name}: only {changed} lines changed");
        for kept in [r#"\"%1\""#, "(_", "(&"] {
            assert_eq!(
                source.matches(kept).count(),
                out.matches(kept).count(),
                "{name}: {kept}"
            );
        }
    }
    let source = fixture("zh_CN.po");
    let out = zhnorm::normalize(&source);
    assert!(
        out.contains(r#"msgstr "摘要： ""#),
        "a colon in a string is the text's"
    );
}

#[test]
fn man_pages_keep_their_requests_and_their_text_is_normalized() {
    for name in [
        "dig.zh_CN.1",
        "group.zh_TW.5",
        "perlnumber.zh_TW.7",
        "ip.zh_CN.7",
    ] {
        let source = fixture(name);
        let out = zhnorm::normalize(&source);
        assert_eq!(source.lines().count(), out.lines().count(), "{name}");
        // A line that ends in a backslash is joined to the next one.
        let continues = |l: &str| l.chars().rev().take_while(|&c| c == '\\').count() % 2 == 1;
        let mut text_changed = 0;
        let mut in_table = false;
        for (k, (a, b)) in source.lines().zip(out.lines()).enumerate() {
            let at = format!("{name}:{}: {a:?} became {b:?}", k + 1);
            assert_eq!(continues(a), continues(b), "{at}");
            // A table's lines are tbl's syntax: cells between separators.
            in_table = (in_table || a.starts_with(".TS")) && !a.starts_with(".TE");
            if in_table {
                assert_eq!(a.trim_end(), b, "{at}");
            }
            if a.starts_with(['.', '\'']) {
                // A request's quoted arguments, its comment, and the marks that are
                // arguments of their own (mdoc's delimiters) stay as they were.
                assert_eq!(a.matches('"').count(), b.matches('"').count(), "{at}");
                let alone = |l: &str| -> Vec<String> {
                    l.split(' ')
                        .filter(|w| w.len() == 1 && ".,:;?!()".contains(*w))
                        .map(String::from)
                        .collect()
                };
                assert_eq!(alone(a), alone(b), "{at}");
            } else if a.trim_end() != b {
                text_changed += 1;
            }
        }
        assert!(text_changed > 0, "{name}: no text line was normalized");
    }
}
