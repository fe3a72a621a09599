use super::*;
use crate::facts::Provenance;

fn store(items: &[(&str, Value)]) -> FactStore {
    let mut s = FactStore::new();
    for (k, v) in items {
        s.insert(*k, v.clone(), Provenance::new("test"));
    }
    s
}

fn ev(cond: &str, s: &FactStore) -> bool {
    match Condition::parse(cond) {
        Ok(c) => c.eval(s),
        Err(e) => panic!("{e}"),
    }
}

fn err(cond: &str) -> ConditionError {
    match Condition::parse(cond) {
        Ok(c) => panic!("{cond:?} parsed as {c:?}"),
        Err(e) => e,
    }
}

fn sample() -> FactStore {
    store(&[
        ("config.sup.http_port", Value::Int(8530)),
        ("config.sup.https_port", Value::Int(8531)),
        ("config.iis.https_port", Value::Int(443)),
        ("config.sup.use_proxy_for_adr", Value::Bool(false)),
        ("config.sup.require_ssl", Value::Bool(true)),
        ("config.sync.source", Value::Str("microsoft_update".into())),
        ("config.sync.schedule", Value::Str(String::new())),
        ("finding.adr_download_internet_12007", Value::Int(3)),
        ("config.site[CAS].top_level", Value::Bool(true)),
        ("config.site[PS1].top_level", Value::Bool(false)),
        ("config.sup[sup01.contoso.com].https_port", Value::Int(8531)),
        ("config.sup[sup02.contoso.com].https_port", Value::Int(443)),
        ("config.proxy[sup01.contoso.com].port", Value::Int(8080)),
        (
            "config.iis.ssl_vdirs",
            Value::List(vec!["ClientWebService".into(), "Content".into()]),
        ),
    ])
}

#[test]
fn equality_and_inequality() {
    let s = sample();
    assert!(ev("config.sup.http_port == 8530", &s));
    assert!(!ev("config.sup.http_port == 8531", &s));
    assert!(ev("config.sup.http_port != 80", &s));
    assert!(!ev("config.sup.http_port != 8530", &s));
    assert!(ev("config.sync.source == 'MICROSOFT_UPDATE'", &s));
    assert!(ev("config.sync.source == \"microsoft_update\"", &s));
    assert!(ev("config.sup.use_proxy_for_adr == false", &s));
    assert!(!ev("config.sup.use_proxy_for_adr == true", &s));
    assert!(ev("config.sync.schedule == ''", &s));
}

#[test]
fn ordering_operators() {
    let s = sample();
    assert!(ev("config.sup.http_port < 8531", &s));
    assert!(!ev("config.sup.http_port < 8530", &s));
    assert!(ev("config.sup.http_port <= 8530", &s));
    assert!(ev("config.sup.http_port > 80", &s));
    assert!(!ev("config.sup.http_port > 8530", &s));
    assert!(ev("config.sup.http_port >= 8530", &s));
    assert!(ev("finding.adr_download_internet_12007 > 2", &s));
    // Booleans have no order: unknown, never a match.
    assert!(!ev("config.sup.require_ssl > false", &s));
    assert!(!ev("!(config.sup.require_ssl > false)", &s));
}

#[test]
fn key_versus_key() {
    let s = sample();
    assert!(ev("config.sup.https_port != config.iis.https_port", &s));
    assert!(!ev("config.sup.https_port == config.iis.https_port", &s));
    assert!(ev(
        "config.sup[sup02.contoso.com].https_port == config.iis.https_port",
        &s
    ));
}

#[test]
fn bare_keys_and_exists() {
    let s = sample();
    assert!(ev("finding.adr_download_internet_12007", &s));
    assert!(ev("config.sup.require_ssl", &s));
    assert!(!ev("config.sup.use_proxy_for_adr", &s));
    assert!(!ev("config.sync.schedule", &s), "empty string is falsy");
    assert!(ev("exists(config.sync.schedule)", &s));
    assert!(ev("exists( config.sync.schedule )", &s));
    assert!(!ev("exists(config.sync.upstream_url)", &s));
    assert!(ev("!exists(config.sync.upstream_url)", &s));
    assert!(ev("config.iis.ssl_vdirs", &s));
}

#[test]
fn missing_facts_are_never_a_match() {
    let s = sample();
    assert!(!ev("config.nope == 1", &s));
    assert!(!ev("config.nope != 1", &s));
    assert!(!ev("config.nope", &s));
    assert!(!ev("!config.nope", &s));
    assert!(!ev("!(config.nope == 1)", &s));
    assert!(!ev("config.nope < 3", &s));
    assert!(!ev("config.sup.http_port == config.nope", &s));
    // Unknown does not poison a disjunction that is true anyway.
    assert!(ev("config.nope == 1 || config.sup.http_port == 8530", &s));
    assert!(!ev("config.nope == 1 && config.sup.http_port == 8530", &s));
}

#[test]
fn not_and_precedence() {
    let s = sample();
    // && binds tighter than ||: true || (false && false) = true
    assert!(ev(
        "config.sup.http_port == 8530 || config.sup.http_port == 1 && config.sup.http_port == 2",
        &s
    ));
    // (true || false) && false = false
    assert!(!ev(
        "(config.sup.http_port == 8530 || config.sup.http_port == 1) && config.sup.http_port == 2",
        &s
    ));
    assert!(ev("!config.sup.use_proxy_for_adr", &s));
    assert!(!ev("!!config.sup.use_proxy_for_adr", &s));
    assert!(ev("!(config.sup.http_port == 1)", &s));
    // ! binds tighter than &&.
    assert!(ev(
        "!config.sup.use_proxy_for_adr && config.sup.require_ssl",
        &s
    ));
    assert!(ev("((config.sup.require_ssl))", &s));
}

#[test]
fn wildcards_match_any_index() {
    let s = sample();
    assert!(ev("config.site[*].top_level", &s));
    assert!(ev("config.site[*].top_level == false", &s));
    assert!(ev("config.sup[*].https_port == 443", &s));
    assert!(!ev("config.sup[*].https_port == 80", &s));
    assert!(ev("exists(config.proxy[*].port)", &s));
    assert!(!ev("exists(config.proxy[*].name)", &s));
    assert!(ev("config.site[CAS].top_level == true", &s));
    assert!(ev("config.sup[sup01.contoso.com].https_port == 8531", &s));
    // Join: same index on both sides.
    assert!(ev("config.sup[*].https_port != config.proxy[*].port", &s));
    assert!(!ev("config.sup[*].https_port == config.proxy[*].port", &s));
}

#[test]
fn lists_compare_by_membership() {
    let s = sample();
    assert!(ev("config.iis.ssl_vdirs == 'content'", &s));
    assert!(!ev("config.iis.ssl_vdirs == 'SelfUpdate'", &s));
    assert!(ev("config.iis.ssl_vdirs != 'SelfUpdate'", &s));
    assert!(!ev("config.iis.ssl_vdirs != 'Content'", &s));
}

#[test]
fn literals_alone_and_negative_numbers() {
    let s = FactStore::new();
    assert!(ev("true", &s));
    assert!(!ev("false", &s));
    assert!(ev("-1 < 0", &s));
    assert!(ev("'a' == 'A'", &s));
}

#[test]
fn references_and_known() {
    let c = Condition::parse(
        "finding.x && (config.sup.use_proxy_for_adr == false || !exists(config.proxy[*].name)) && config.sup.use_proxy_for_adr == false",
    )
    .map_err(|e| e.to_string());
    let c = match c {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(
        c.references(),
        vec![
            "finding.x".to_string(),
            "config.sup.use_proxy_for_adr".to_string(),
            "config.proxy[*].name".to_string(),
        ]
    );
    let s = store(&[
        ("finding.x", Value::Int(1)),
        ("config.sup.use_proxy_for_adr", Value::Bool(true)),
    ]);
    assert!(!c.known(&s));
    let s2 = store(&[
        ("finding.x", Value::Int(1)),
        ("config.sup.use_proxy_for_adr", Value::Bool(true)),
        ("config.proxy[cm01].name", Value::Str("p".into())),
    ]);
    assert!(c.known(&s2));
}

#[test]
fn error_messages_carry_offsets() {
    let e = err("");
    assert_eq!(e.message, "empty condition");
    let e = err("config.a ==");
    assert_eq!(e.offset, 11);
    assert!(e.message.contains("end of the condition"), "{}", e.message);
    let e = err("(config.a == 1");
    assert_eq!(e.offset, 14);
    assert!(e.message.contains("`)`"), "{}", e.message);
    let e = err("config.a == 1)");
    assert_eq!((e.offset, e.message.as_str()), (13, "unmatched `)`"));
    let e = err("config.a = 1");
    assert_eq!(e.offset, 9);
    assert!(e.message.contains("=="));
    let e = err("config.a & config.b");
    assert_eq!(e.offset, 9);
    assert!(e.message.contains("&&"));
    let e = err("config.a == 'abc");
    assert_eq!(e.offset, 12);
    assert_eq!(e.message, "unterminated string literal");
    let e = err("exists(Config.A)");
    assert_eq!(e.offset, 7);
    let e = err("config.sup[].x");
    assert_eq!(e.offset, 11);
    let e = err("config.sup[abc");
    assert!(e.message.contains("`]`"), "{}", e.message);
    let e = err("config.a &&");
    assert_eq!(e.offset, 11);
    let e = err("config.a == 99999999999999999999");
    assert!(e.message.contains("out of range"));
    let e = err("config.a. == 1");
    assert!(e.message.contains("end with `.`"));
    assert!(err("config.a == 1 config.b")
        .message
        .contains("unexpected text"));
    // Display names the source and the byte offset.
    let shown = err("a ==").to_string();
    assert!(
        shown.contains("\"a ==\"") && shown.contains("at byte 4"),
        "{shown}"
    );
}

#[test]
fn wildcards_of_one_collection_bind_the_same_index_within_an_and_chain() {
    // SUP a: secondary site, ADR proxy off. SUP b: primary site, ADR proxy on.
    let mixed = store(&[
        ("config.sup[a].site_role", Value::Str("secondary".into())),
        ("config.sup[a].use_proxy_for_adr", Value::Bool(false)),
        ("config.sup[b].site_role", Value::Str("primary".into())),
        ("config.sup[b].use_proxy_for_adr", Value::Bool(true)),
        ("config.site[PS1].top_level", Value::Bool(true)),
    ]);
    let cond = "config.sup[*].site_role == 'secondary' && config.sup[*].use_proxy_for_adr == true";
    assert!(!ev(cond, &mixed), "different SUPs must not combine");
    // Other collections stay independent within the same chain.
    assert!(ev(
        "config.site[*].top_level && config.sup[*].use_proxy_for_adr == true",
        &mixed
    ));
    // Separate disjuncts bind separately.
    assert!(ev(
        "config.sup[*].site_role == 'secondary' || config.sup[*].use_proxy_for_adr == true",
        &mixed
    ));
    let same = store(&[
        ("config.sup[a].site_role", Value::Str("secondary".into())),
        ("config.sup[a].use_proxy_for_adr", Value::Bool(true)),
    ]);
    assert!(ev(cond, &same));
    // One comparison with the same collection on both sides compares one object with itself.
    let pair = store(&[
        ("config.sup[a].https_port", Value::Int(8531)),
        ("config.sup[a].expected_https_port", Value::Int(8531)),
        ("config.sup[b].https_port", Value::Int(8532)),
        ("config.sup[b].expected_https_port", Value::Int(8532)),
    ]);
    assert!(!ev(
        "config.sup[*].https_port != config.sup[*].expected_https_port",
        &pair
    ));
}

/// The correlation fact rules owned by the settings work (issue 5).
use crate::rules::CORRELATION_IDS as FACT_RULES;

fn toml_to_value(v: &toml::Value) -> Value {
    match v {
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Integer(i) => Value::Int(*i),
        toml::Value::Array(a) => Value::List(
            a.iter()
                .map(|x| match x {
                    toml::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
        ),
        toml::Value::String(s) => Value::Str(s.clone()),
        other => Value::Str(other.to_string()),
    }
}

/// Every `{fact:key}` placeholder of a text.
fn placeholders(text: &str) -> Vec<&str> {
    text.split("{fact:")
        .skip(1)
        .filter_map(|p| p.split('}').next())
        .collect()
}

#[test]
fn fact_rule_files_parse_and_their_examples_hold() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for id in FACT_RULES {
        let path = dir.join(format!("{id}.toml"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc: toml::Table = text
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(doc.get("id").and_then(|v| v.as_str()), Some(*id));
        for key in ["severity", "title", "cause", "fix"] {
            assert!(
                doc.get(key).and_then(|v| v.as_str()).is_some(),
                "{id}: {key}"
            );
        }
        let when = doc
            .get("when")
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("{id}: no when"));
        let cond = Condition::parse(when).unwrap_or_else(|e| panic!("{id}: {e}"));
        let mut advice_conds = Vec::new();
        for a in doc
            .get("advice")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            let w = a.get("when").and_then(|v| v.as_str()).unwrap_or("");
            advice_conds.push(Condition::parse(w).unwrap_or_else(|e| panic!("{id} advice: {e}")));
            let t = a.get("text").and_then(|v| v.as_str()).unwrap_or("");
            assert!(!t.is_empty(), "{id}: advice without text");
        }
        // Placeholders name real fact namespaces.
        for field in ["cause", "fix"] {
            let t = doc.get(field).and_then(|v| v.as_str()).unwrap_or("");
            for p in placeholders(t) {
                assert!(
                    ["config.", "observed.", "probe.", "finding.", "settings."]
                        .iter()
                        .any(|ns| p.starts_with(ns)),
                    "{id}: placeholder {p}"
                );
            }
        }
        let examples = doc
            .get("example")
            .and_then(|v| v.as_array())
            .unwrap_or_else(|| panic!("{id}: no examples"));
        let (mut yes, mut no) = (0, 0);
        for (i, ex) in examples.iter().enumerate() {
            let want = ex
                .get("matches")
                .and_then(|v| v.as_bool())
                .unwrap_or_else(|| panic!("{id} example {i}: matches"));
            let facts_tbl = ex
                .get("facts")
                .and_then(|v| v.as_table())
                .unwrap_or_else(|| panic!("{id} example {i}: facts"));
            let mut s = FactStore::new();
            for (k, v) in facts_tbl {
                s.insert(k.as_str(), toml_to_value(v), Provenance::new("example"));
            }
            assert_eq!(cond.eval(&s), want, "{id} example {i}: {facts_tbl:?}");
            if want {
                yes += 1;
            } else {
                no += 1;
            }
        }
        assert!(
            yes > 0 && no > 0,
            "{id}: needs a matching and a non-matching example"
        );
    }
}

#[test]
fn nesting_deeper_than_the_limit_is_an_error_not_a_stack_overflow() {
    let ok = format!("{}x{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
    assert!(Condition::parse(&ok).is_ok());
    let deep = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
    let e = err(&deep);
    assert!(e.message.contains("nested too deeply"), "{e}");
    assert_eq!(e.offset, MAX_NESTING + 1);
    let e = err(&format!("{}x", "!".repeat(100_000)));
    assert!(e.message.contains("nested too deeply"), "{e}");
}
