//! Condition language of fact rules (`when = '...'`), parsed with nom into a small expression tree.
//!
//! Grammar (see `briefs/rules-schema.md`):
//! `or := and ('||' and)* ; and := unary ('&&' unary)* ; unary := '!' unary | cmp ;
//!  cmp := atom (op atom)? ; atom := '(' or ')' | 'exists(' key ')' | literal | key`.
//!
//! Evaluation is three-valued (true / false / unknown): a missing fact makes its comparison
//! unknown, `!unknown` stays unknown, and a condition matches only when it is definitely true.
//! That is how "absent means unknown, never a match" also holds under negation.

use nom::{
    branch::alt,
    bytes::complete::{tag, take_while, take_while1},
    character::complete::{char, digit1, multispace0},
    combinator::{opt, recognize},
    sequence::pair,
    IResult,
};
use thiserror::Error;

use crate::facts::{FactStore, Value};

#[derive(Debug, Error, PartialEq)]
#[error("condition {src:?}: {message} (at byte {offset})")]
pub struct ConditionError {
    pub src: String,
    pub message: String,
    pub offset: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

#[derive(Clone, Debug, PartialEq)]
enum Operand {
    Lit(Value),
    Key(String),
}

#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    Exists(String),
    Truthy(Operand),
    Cmp(Operand, Op, Operand),
}

/// A parsed `when` condition.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    expr: Expr,
    src: String,
}

/// Parse error inside nom: where and what was expected.
#[derive(Debug)]
struct PErr<'a> {
    at: &'a str,
    msg: &'static str,
}

impl<'a> nom::error::ParseError<&'a str> for PErr<'a> {
    fn from_error_kind(input: &'a str, _kind: nom::error::ErrorKind) -> Self {
        PErr {
            at: input,
            msg: "syntax error",
        }
    }
    fn append(_input: &'a str, _kind: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

type PResult<'a, T> = IResult<&'a str, T, PErr<'a>>;

fn fail<'a, T>(at: &'a str, msg: &'static str) -> PResult<'a, T> {
    Err(nom::Err::Failure(PErr { at, msg }))
}

fn ws(i: &str) -> &str {
    multispace0::<&str, PErr>(i).map(|(r, _)| r).unwrap_or(i)
}

/// Deepest nesting of `(` and `!` accepted: the parser and the evaluator recurse once per level,
/// so a hostile `((((…` must end in an error, not a stack overflow. Real rules nest a few levels.
pub const MAX_NESTING: usize = 64;

fn parse_or(i: &str, depth: usize) -> PResult<'_, Expr> {
    parse_list(i, depth, "||", parse_and, Expr::Or)
}

fn parse_and(i: &str, depth: usize) -> PResult<'_, Expr> {
    parse_list(i, depth, "&&", parse_unary, Expr::And)
}

/// `item (op item)*`, one item unwrapped, several wrapped with `make`.
fn parse_list<'a>(
    i: &'a str,
    depth: usize,
    op: &'static str,
    item: fn(&'a str, usize) -> PResult<'a, Expr>,
    make: fn(Vec<Expr>) -> Expr,
) -> PResult<'a, Expr> {
    let (mut i, first) = item(i, depth)?;
    let mut items = vec![first];
    loop {
        let r = ws(i);
        match tag::<_, _, PErr>(op)(r) {
            Ok((r, _)) => {
                let (r, e) = item(r, depth)?;
                items.push(e);
                i = r;
            }
            Err(_) => break,
        }
    }
    Ok((
        i,
        if items.len() == 1 {
            items.remove(0)
        } else {
            make(items)
        },
    ))
}

fn parse_unary(i: &str, depth: usize) -> PResult<'_, Expr> {
    let i = ws(i);
    if depth > MAX_NESTING {
        return fail(i, "nested too deeply (more than 64 levels of `(` and `!`)");
    }
    // `!` but not `!=` (which cannot start an expression anyway; report it as such).
    if let Some(rest) = i.strip_prefix('!') {
        if rest.starts_with('=') {
            return fail(i, "expected an expression, found `!=`");
        }
        let (r, e) = parse_unary(rest, depth + 1)?;
        return Ok((r, Expr::Not(Box::new(e))));
    }
    parse_cmp(i, depth)
}

fn parse_op(i: &str) -> PResult<'_, Op> {
    let i = ws(i);
    let (r, t) = alt((
        tag("=="),
        tag("!="),
        tag("<="),
        tag(">="),
        tag("<"),
        tag(">"),
    ))(i)?;
    let op = match t {
        "==" => Op::Eq,
        "!=" => Op::Ne,
        "<=" => Op::Le,
        ">=" => Op::Ge,
        "<" => Op::Lt,
        _ => Op::Gt,
    };
    Ok((r, op))
}

fn parse_cmp(i: &str, depth: usize) -> PResult<'_, Expr> {
    let i = ws(i);
    if let Some(rest) = i.strip_prefix('(') {
        let (r, e) = parse_or(rest, depth + 1)?;
        let r = ws(r);
        return match r.strip_prefix(')') {
            Some(r) => Ok((r, e)),
            None => fail(r, "expected `)` to close the parenthesis"),
        };
    }
    if let Some(rest) = i.strip_prefix("exists") {
        let after = ws(rest);
        if let Some(inner) = after.strip_prefix('(') {
            let inner = ws(inner);
            let (r, key) = match parse_key(inner) {
                Ok(v) => v,
                Err(_) => return fail(inner, "expected a fact key inside exists(...)"),
            };
            let r = ws(r);
            return match r.strip_prefix(')') {
                Some(r) => Ok((r, Expr::Exists(key))),
                None => fail(r, "expected `)` after the key of exists(...)"),
            };
        }
    }
    let (r, left) = parse_operand(i)?;
    match parse_op(r) {
        Ok((r2, op)) => {
            let r2 = ws(r2);
            let (r3, right) = match parse_operand(r2) {
                Ok(v) => v,
                Err(nom::Err::Error(_)) => {
                    return fail(r2, "expected a fact key or a literal after the operator")
                }
                Err(e) => return Err(e),
            };
            Ok((r3, Expr::Cmp(left, op, right)))
        }
        Err(_) => Ok((r, Expr::Truthy(left))),
    }
}

fn parse_operand(i: &str) -> PResult<'_, Operand> {
    let i = ws(i);
    if i.is_empty() {
        return fail(i, "expected an expression, found the end of the condition");
    }
    if let Some(q) = i.chars().next().filter(|c| *c == '\'' || *c == '"') {
        let body = &i[1..];
        return match body.find(q) {
            Some(end) => Ok((
                &body[end + 1..],
                Operand::Lit(Value::Str(body[..end].to_string())),
            )),
            None => fail(i, "unterminated string literal"),
        };
    }
    if let Ok((r, n)) = recognize(pair(opt(char::<&str, PErr>('-')), digit1))(i) {
        return match n.parse::<i64>() {
            Ok(v) => Ok((r, Operand::Lit(Value::Int(v)))),
            Err(_) => fail(i, "integer literal out of range"),
        };
    }
    match parse_key(i) {
        Ok((r, key)) => match key.as_str() {
            "true" => Ok((r, Operand::Lit(Value::Bool(true)))),
            "false" => Ok((r, Operand::Lit(Value::Bool(false)))),
            _ => Ok((r, Operand::Key(key))),
        },
        Err(nom::Err::Error(_)) => fail(i, "expected a fact key, a literal, `(` or `!`"),
        Err(e) => Err(e),
    }
}

/// `[a-z_][a-z0-9_.]*` with optional `[index]` parts (index: anything but `]` and spaces).
fn parse_key(i: &str) -> PResult<'_, String> {
    let start = i;
    let (mut r, _) = pair(
        take_while1(|c: char| c.is_ascii_lowercase() || c == '_'),
        take_while(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'),
    )(i)?;
    while let Some(after) = r.strip_prefix('[') {
        let (r2, idx) = take_while(|c: char| c != ']' && !c.is_whitespace())(after)?;
        if idx.is_empty() {
            return fail(after, "empty index `[]` in fact key");
        }
        let Some(r3) = r2.strip_prefix(']') else {
            return fail(r2, "expected `]` to close the index of the fact key");
        };
        let (r4, _) = take_while(|c: char| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'
        })(r3)?;
        r = r4;
    }
    let key = &start[..start.len() - r.len()];
    if key.ends_with('.') {
        return fail(r, "fact key must not end with `.`");
    }
    Ok((r, key.to_string()))
}

impl Condition {
    pub fn parse(src: &str) -> Result<Condition, ConditionError> {
        let err = |at: &str, msg: &str| ConditionError {
            src: src.to_string(),
            message: msg.to_string(),
            offset: src.len() - at.len(),
        };
        if src.trim().is_empty() {
            return Err(err(src, "empty condition"));
        }
        match parse_or(src, 0) {
            Ok((rest, expr)) => {
                let rest = ws(rest);
                if rest.is_empty() {
                    Ok(Condition {
                        expr,
                        src: src.to_string(),
                    })
                } else if rest.starts_with(')') {
                    Err(err(rest, "unmatched `)`"))
                } else if rest.starts_with('=') && !rest.starts_with("==") {
                    Err(err(rest, "unexpected `=`; use `==` to compare"))
                } else if rest.starts_with('&') || rest.starts_with('|') {
                    Err(err(rest, "use `&&` and `||` for and/or"))
                } else {
                    Err(err(rest, "unexpected text after the expression"))
                }
            }
            Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => Err(err(e.at, e.msg)),
            Err(nom::Err::Incomplete(_)) => Err(err("", "incomplete condition")),
        }
    }

    /// The condition as written.
    pub fn source(&self) -> &str {
        &self.src
    }

    /// True when the condition definitely holds (unknown counts as false).
    pub fn eval(&self, facts: &FactStore) -> bool {
        eval(&self.expr, facts, &mut Vec::new()) == Some(true)
    }

    /// Fact keys the condition reads, as written (wildcards kept), in order, without duplicates.
    pub fn references(&self) -> Vec<String> {
        let mut out = Vec::new();
        collect_refs(&self.expr, &mut out);
        out
    }

    /// Every referenced fact is present (a wildcard key counts when any index is present).
    pub fn known(&self, facts: &FactStore) -> bool {
        self.references()
            .iter()
            .all(|k| !lookup(facts, k, &Vec::new()).is_empty())
    }
}

fn collect_refs(e: &Expr, out: &mut Vec<String>) {
    let mut add = |k: &String| {
        if !out.contains(k) {
            out.push(k.clone());
        }
    };
    match e {
        Expr::Or(v) | Expr::And(v) => v.iter().for_each(|x| collect_refs(x, out)),
        Expr::Not(x) => collect_refs(x, out),
        Expr::Exists(k) | Expr::Truthy(Operand::Key(k)) => add(k),
        Expr::Truthy(Operand::Lit(_)) => {}
        Expr::Cmp(a, _, b) => {
            for o in [a, b] {
                if let Operand::Key(k) = o {
                    add(k);
                }
            }
        }
    }
}

/// Wildcard bindings in force: (collection prefix such as `config.sup`, index).
type Env = Vec<(String, String)>;

/// Collection prefix of a wildcard key: the text before its first `[*]`.
fn wild_prefix(key: &str) -> Option<&str> {
    key.find("[*]").map(|i| &key[..i])
}

fn bind(pattern: &str, env: &Env) -> String {
    match wild_prefix(pattern) {
        Some(p) => match env.iter().find(|(q, _)| q == p) {
            Some((_, idx)) => format!("{p}[{idx}]{}", &pattern[p.len() + 3..]),
            None => pattern.to_string(),
        },
        None => pattern.to_string(),
    }
}

/// Concrete (key, first value) pairs for a key pattern; an unbound `[*]` matches any index.
fn lookup<'f>(facts: &'f FactStore, pattern: &str, env: &Env) -> Vec<(String, &'f Value)> {
    let pattern = bind(pattern, env);
    if !pattern.contains("[*]") {
        return facts
            .get(&pattern)
            .map(|f| vec![(pattern.clone(), &f.value)])
            .unwrap_or_default();
    }
    let prefix = pattern.split("[*]").next().unwrap_or("").to_string();
    let mut keys: Vec<String> = Vec::new();
    for f in facts.with_prefix(&prefix) {
        if keys.last() != Some(&f.key) && wildcard_match(&pattern, &f.key) {
            keys.push(f.key.clone());
        }
    }
    // Re-fetch through `get` so the values borrow from the store only (first value per key).
    keys.into_iter()
        .filter_map(|k| facts.get(&k).map(|f| (k, &f.value)))
        .collect()
}

/// Indexes present in the facts for a collection prefix (`config.sup` → the SUP FQDNs).
fn candidates(facts: &FactStore, prefix: &str) -> Vec<String> {
    let open = format!("{prefix}[");
    let mut out: Vec<String> = Vec::new();
    for f in facts.with_prefix(&open) {
        if let Some(close) = f.key[open.len()..].find(']') {
            let idx = &f.key[open.len()..open.len() + close];
            if !out.iter().any(|o| o == idx) {
                out.push(idx.to_string());
            }
        }
    }
    out
}

fn wild_prefixes(e: &Expr, out: &mut Vec<String>) {
    let mut add = |k: &str| {
        if let Some(p) = wild_prefix(k) {
            if !out.iter().any(|o| o == p) {
                out.push(p.to_string());
            }
        }
    };
    match e {
        Expr::Or(v) | Expr::And(v) => v.iter().for_each(|x| wild_prefixes(x, out)),
        Expr::Not(x) => wild_prefixes(x, out),
        Expr::Exists(k) | Expr::Truthy(Operand::Key(k)) => add(k),
        Expr::Truthy(Operand::Lit(_)) => {}
        Expr::Cmp(a, _, b) => {
            for o in [a, b] {
                if let Operand::Key(k) = o {
                    add(k);
                }
            }
        }
    }
}

/// Evaluate `f` under every binding of the still unbound collections; true when any binding is.
fn with_bindings(
    unbound: &[String],
    facts: &FactStore,
    env: &mut Env,
    f: &dyn Fn(&FactStore, &mut Env) -> Option<bool>,
) -> Option<bool> {
    let Some((first, rest)) = unbound.split_first() else {
        return f(facts, env);
    };
    let cands = candidates(facts, first);
    if cands.is_empty() {
        return with_bindings(rest, facts, env, f);
    }
    let mut result = Some(false);
    for c in cands {
        env.push((first.clone(), c));
        result = or3(result, with_bindings(rest, facts, env, f));
        env.pop();
        if result == Some(true) {
            break;
        }
    }
    result
}

fn unbound_prefixes(e: &Expr, env: &Env) -> Vec<String> {
    let mut all = Vec::new();
    wild_prefixes(e, &mut all);
    all.retain(|p| !env.iter().any(|(q, _)| q == p));
    all
}

/// `[*]` in the pattern matches one bracketed index of any content (without `]`).
fn wildcard_match(pattern: &str, key: &str) -> bool {
    let mut parts = pattern.split("[*]");
    let Some(first) = parts.next() else {
        return false;
    };
    let Some(mut rest) = key.strip_prefix(first) else {
        return false;
    };
    for part in parts {
        let Some(r) = rest.strip_prefix('[') else {
            return false;
        };
        let Some(close) = r.find(']') else {
            return false;
        };
        let Some(r) = r[close + 1..].strip_prefix(part) else {
            return false;
        };
        rest = r;
    }
    rest.is_empty()
}

fn and3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn or3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Str(s) => !s.is_empty() && v.as_bool() != Some(false),
        Value::List(l) => !l.is_empty(),
    }
}

fn eval(e: &Expr, facts: &FactStore, env: &mut Env) -> Option<bool> {
    match e {
        Expr::Or(v) => {
            let mut acc = Some(false);
            for x in v {
                acc = or3(acc, eval(x, facts, env));
            }
            acc
        }
        Expr::And(v) => {
            // Within one && chain, `[*]` of the same collection is the same object.
            let unbound = unbound_prefixes(e, env);
            with_bindings(&unbound, facts, env, &|facts, env| {
                let mut acc = Some(true);
                for x in v {
                    acc = and3(acc, eval(x, facts, env));
                    if acc == Some(false) {
                        break;
                    }
                }
                acc
            })
        }
        Expr::Not(x) => eval(x, facts, env).map(|b| !b),
        Expr::Exists(k) => Some(!lookup(facts, k, env).is_empty()),
        Expr::Truthy(Operand::Lit(v)) => Some(truthy(v)),
        Expr::Truthy(Operand::Key(k)) => {
            let vals = lookup(facts, k, env);
            if vals.is_empty() {
                None
            } else {
                Some(vals.iter().any(|(_, v)| truthy(v)))
            }
        }
        Expr::Cmp(a, op, b) => {
            let unbound = unbound_prefixes(e, env);
            with_bindings(&unbound, facts, env, &|facts, env| {
                eval_cmp(a, *op, b, facts, env)
            })
        }
    }
}

fn operand_values<'f>(o: &'f Operand, facts: &'f FactStore, env: &Env) -> Vec<&'f Value> {
    match o {
        Operand::Lit(v) => vec![v],
        Operand::Key(k) => lookup(facts, k, env).into_iter().map(|(_, v)| v).collect(),
    }
}

fn eval_cmp(a: &Operand, op: Op, b: &Operand, facts: &FactStore, env: &Env) -> Option<bool> {
    let left = operand_values(a, facts, env);
    let right = operand_values(b, facts, env);
    if left.is_empty() || right.is_empty() {
        return None;
    }
    let mut result = Some(false);
    for lv in &left {
        for rv in &right {
            result = or3(result, compare(lv, op, rv));
            if result == Some(true) {
                return result;
            }
        }
    }
    result
}

/// Compare two values. Lists compare element-wise: `list == x` holds when any element equals
/// `x`, `list != x` when none does. Values of types that cannot be ordered give unknown.
fn compare(a: &Value, op: Op, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::List(l), x) | (x, Value::List(l)) if !matches!(x, Value::List(_)) => {
            let any_eq = l.iter().any(|e| scalar_eq(&Value::Str(e.clone()), x));
            match op {
                Op::Eq => Some(any_eq),
                Op::Ne => Some(!any_eq),
                _ => None,
            }
        }
        _ => match op {
            Op::Eq => Some(scalar_eq(a, b)),
            Op::Ne => Some(!scalar_eq(a, b)),
            _ => {
                let ord = match (a.as_int(), b.as_int()) {
                    (Some(x), Some(y)) if !is_bool(a) && !is_bool(b) => x.cmp(&y),
                    _ => match (a, b) {
                        (Value::Str(x), Value::Str(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
                        _ => return None,
                    },
                };
                Some(match op {
                    Op::Lt => ord.is_lt(),
                    Op::Gt => ord.is_gt(),
                    Op::Le => ord.is_le(),
                    _ => ord.is_ge(),
                })
            }
        },
    }
}

fn is_bool(v: &Value) -> bool {
    matches!(v, Value::Bool(_))
}

fn scalar_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Bool(x), other) | (other, Value::Bool(x)) => other.as_bool() == Some(*x),
        (Value::Int(x), other) | (other, Value::Int(x)) => other.as_int() == Some(*x),
        (Value::Str(x), Value::Str(y)) => x.eq_ignore_ascii_case(y),
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.eq_ignore_ascii_case(q))
        }
        _ => false,
    }
}

#[cfg(test)]
#[path = "condition_tests.rs"]
mod tests;
