//! OpenCC 1.4.2's own test cases (`data/opencc/testcases.json`, vendored unchanged):
//! every check of every config, with OpenCC's library semantics (tofu-risk dictionaries
//! loaded) and byte-exact policy.

use zhnorm::{Config, Converter, Policy};

use crate::util::{lenient_json, read};

#[test]
fn every_upstream_case_matches() {
    let cases = lenient_json(&read("data/opencc/testcases.json"));
    let cases = cases["cases"].as_array().expect("a `cases` array");
    let converters: Vec<(Config, Converter)> = Config::ALL
        .into_iter()
        .map(|c| {
            (
                c,
                Converter::builder(c)
                    .include_tofu_risk(true)
                    .policy(Policy::OpenccExact)
                    .build(),
            )
        })
        .collect();
    let (mut checks, mut failures) = (0, Vec::new());
    for case in cases {
        let input = case["input"].as_str().unwrap();
        for (name, expected) in case["expected"].as_object().unwrap() {
            let (_, converter) = converters
                .iter()
                .find(|(c, _)| c.name() == name)
                .expect("known config");
            checks += 1;
            let actual = converter.convert(input);
            if actual != expected.as_str().unwrap() {
                failures.push(format!(
                    "{} {name}: {input} → {actual} (expected {expected})",
                    case["id"]
                ));
            }
        }
    }
    assert_eq!(checks, 556, "the vendored file holds 556 checks");
    assert!(
        failures.is_empty(),
        "{} of {checks} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_config_is_covered_upstream() {
    let cases = read("data/opencc/testcases.json");
    for config in Config::ALL {
        assert!(
            cases.contains(&format!("\"{}\":", config.name())),
            "{config} has no upstream case"
        );
    }
}
