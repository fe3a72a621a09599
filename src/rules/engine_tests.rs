use super::*;
use crate::event::Severity;
use crate::rules::schema::parse_rule;

fn rule(text: &str) -> Rule {
    match parse_rule("test.toml", None, text) {
        Ok(r) => r,
        Err(e) => panic!("bad test rule: {e:?}"),
    }
}

fn line_rule(id: &str, extra: &str) -> Rule {
    rule(&format!(
        r#"id = "{id}"
severity = "error"
title = "t"
cause = "code {{code}} on {{fact:config.x}}"
fix = "f"
settings = ["config.x", "config.missing"]
[match]
literals = ["boom"]
regex = '(?i)boom (?P<code>\d+)'
{extra}
[[example]]
line = "x"
matches = true
[[example]]
line = "y"
matches = false
"#
    ))
}

fn fact_rule(id: &str, when: &str) -> Rule {
    rule(&format!(
        r#"id = "{id}"
severity = "warning"
title = "t"
cause = "c"
fix = "f"
when = '{when}'
[[example]]
facts = {{ "a" = 1 }}
matches = true
[[example]]
facts = {{ "b" = 1 }}
matches = false
"#
    ))
}

fn hits_for(id: &str, code: &str) -> StreamHits {
    let mut hs = HitSet {
        count: 2,
        codes: vec![code.to_string()],
        ..HitSet::default()
    };
    hs.captures.insert("code".into(), code.into());
    hs.evidence.push(super::super::finding::Evidence::new(
        "r.log",
        4,
        "boom 12007",
    ));
    let mut h = StreamHits::default();
    h.hits.insert(id.to_string(), hs);
    h
}

#[test]
fn placeholders_settings_and_finding_facts() {
    let set = RuleSet::new(vec![line_rule("boom_rule", "")], &[]);
    let mut facts = FactStore::new();
    facts.insert("config.x", "sup01", Provenance::new("s.toml").with_key("x"));
    let f = set.conclude(hits_for("boom_rule", "12007"), &mut facts);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].cause, "code 12007 on sup01");
    assert_eq!(f[0].count, 2);
    assert_eq!(f[0].settings[0].key, "config.x");
    assert_eq!(f[0].settings[0].value, serde_json::json!("sup01"));
    assert_eq!(f[0].settings[0].source.as_deref(), Some("s.toml (x)"));
    assert_eq!(f[0].settings[1].value, serde_json::Value::Null);
    assert_eq!(
        facts.get("finding.boom_rule").map(|f| f.value.clone()),
        Some(Value::Int(2))
    );
    assert_eq!(
        facts
            .get("finding.boom_rule.codes")
            .map(|f| f.value.clone()),
        Some(Value::List(vec!["12007".into()]))
    );
}

#[test]
fn advice_applies_or_says_unknown_once() {
    let extra = "[[advice]]\nwhen = 'config.flag'\ntext = \"flag is {fact:config.flag}\"\n[[advice]]\nwhen = 'config.other'\ntext = \"other\"\n";
    let set = RuleSet::new(vec![line_rule("boom_rule", extra)], &[]);
    let mut facts = FactStore::new();
    let f = set.conclude(hits_for("boom_rule", "1"), &mut facts);
    assert_eq!(
        f[0].fix.matches("unknown: no setting says").count(),
        1,
        "{}",
        f[0].fix
    );
    assert!(!f[0].fix.contains("flag is"));
    let mut facts = FactStore::new();
    facts.insert("config.flag", true, Provenance::new("s.toml"));
    facts.insert("config.other", false, Provenance::new("s.toml"));
    let f = set.conclude(hits_for("boom_rule", "1"), &mut facts);
    assert!(f[0].fix.ends_with("flag is true"), "{}", f[0].fix);
    assert!(!f[0].fix.contains("unknown"));
}

#[test]
fn fact_rules_reach_a_fixpoint_and_copy_evidence() {
    // a_second depends on z_first, which sorts after it: needs a second round.
    let set = RuleSet::new(
        vec![
            fact_rule("a_second", "finding.z_first"),
            line_rule("boom_rule", ""),
            fact_rule("z_first", "finding.boom_rule"),
        ],
        &[],
    );
    let mut facts = FactStore::new();
    let f = set.conclude(hits_for("boom_rule", "5"), &mut facts);
    let ids: Vec<&str> = f.iter().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(ids, vec!["boom_rule", "a_second", "z_first"]);
    let z = f.iter().find(|f| f.rule_id == "z_first");
    assert_eq!(z.map(|z| (z.count, z.evidence.len())), Some((1, 1)));
    assert_eq!(z.map(|z| z.evidence[0].line), Some(4));
}

#[test]
fn unclassified_severity_depends_on_kind() {
    let set = RuleSet::new(vec![], &[]);
    let mut h = hits_for("unclassified_error_wsyncmgr", "1");
    h.merge(hits_for("unclassified_error_wuahandler", "1"));
    h.merge(hits_for("unclassified_warning_wcm", "1"));
    let f = set.conclude(h, &mut FactStore::new());
    let sev = |id: &str| f.iter().find(|f| f.rule_id == id).map(|f| f.severity);
    assert_eq!(sev("unclassified_error_wsyncmgr"), Some(Severity::Warning));
    assert_eq!(sev("unclassified_error_wuahandler"), Some(Severity::Info));
    assert_eq!(sev("unclassified_warning_wcm"), Some(Severity::Info));
}

#[test]
fn fill_handles_wildcards_and_unknowns() {
    let mut facts = FactStore::new();
    facts.insert("config.proxy[cm01].name", "proxy1", Provenance::new("s"));
    let caps = BTreeMap::new();
    assert_eq!(
        fill(
            "p={fact:config.proxy[*].name} c={code} {not a placeholder}",
            &caps,
            &facts
        ),
        "p=proxy1 c=(unknown) {not a placeholder}"
    );
    assert_eq!(fill("{fact:config.none}", &caps, &facts), "(not set)");
}

#[test]
fn fill_uses_fallbacks_for_missing_values_only() {
    let mut facts = FactStore::new();
    facts.insert("config.proxy.name", "proxy1", Provenance::new("s"));
    let mut caps = BTreeMap::new();
    caps.insert("url".to_string(), "http://wsus-old:8530".to_string());
    assert_eq!(
        fill(
            "{url|the GPO's server} {host|the server} {fact:config.proxy.name|no proxy} {fact:config.none|no value}",
            &caps,
            &facts
        ),
        "http://wsus-old:8530 the server proxy1 no value"
    );
    // A fallback with a brace is no placeholder and stays as written.
    assert_eq!(fill("{url|a{b}", &caps, &facts), "{url|a{b}");
}

#[test]
fn fill_tries_sources_in_order_and_takes_url_parts() {
    let mut facts = FactStore::new();
    facts.insert(
        "observed.client.sup_url",
        "https://CM01.contoso.com/ClientWebService/client.asmx",
        Provenance::new("log"),
    );
    let mut caps = BTreeMap::new();
    caps.insert(
        "url".to_string(),
        "http://u:p@wsus-old.contoso.com:8530/ClientWebService/client.asmx".to_string(),
    );
    let none = BTreeMap::new();
    let t = "{url@host?,fact:observed.client.sup_url@host|the SUP} port {url@port?,fact:observed.client.sup_url@port|?}";
    assert_eq!(fill(t, &caps, &facts), "wsus-old.contoso.com port 8530");
    // Without the capture, the fact; its port is the scheme's.
    assert_eq!(fill(t, &none, &facts), "CM01.contoso.com port 443");
    // Neither: the fallback; a value that is no URL has no host.
    assert_eq!(fill(t, &none, &FactStore::new()), "the SUP port ?");
    let mut plain = BTreeMap::new();
    plain.insert("url".to_string(), "CM01".to_string());
    assert_eq!(
        fill("{url@host,fact:x|none}", &plain, &FactStore::new()),
        "none"
    );
    // A named value expands to such a chain when the rule is loaded.
    let named = crate::rules::values::expand("{value:sup_host}").unwrap_or_default();
    assert_eq!(fill(&named, &caps, &facts), "wsus-old.contoso.com");
    assert_eq!(fill(&named, &none, &FactStore::new()), "the SUP's name");
}

#[test]
fn codes_are_the_observed_ones_and_fill_the_codes_placeholder() {
    let rule = rule(
        r#"id = "r"
severity = "error"
title = "t"
cause = "status {codes|none shown}"
fix = "f"
codes = ["401", "403", "503"]
[match]
literals = ["boom"]
regex = '(?i)boom'
[[example]]
line = "boom"
matches = true
[[example]]
line = "y"
matches = false
"#,
    );
    let set = RuleSet::new(vec![rule], &[]);
    let mut h = StreamHits::default();
    let mut hs = HitSet {
        count: 1,
        ..HitSet::default()
    };
    h.hits.insert("r".into(), hs.clone());
    let f = set.conclude(h, &mut FactStore::new());
    assert_eq!(
        f[0].codes,
        Vec::<String>::new(),
        "catalogue codes are not observed codes"
    );
    assert_eq!(f[0].cause, "status none shown");
    let mut h = StreamHits::default();
    hs.add_codes(["503".to_string()]);
    h.hits.insert("r".into(), hs);
    let f = set.conclude(h, &mut FactStore::new());
    assert_eq!(f[0].codes, vec!["503".to_string()]);
    assert_eq!(f[0].cause, "status 503");
}
