//! supsetup format (interim: parsed as plain lines until the format parser lands).

use super::ParseCtx;
use crate::event::Event;

pub fn sniff(_lines: &[&str]) -> bool {
    false
}

pub fn parse<'a>(text: &'a str, first_line: u64, ctx: &ParseCtx, out: &mut dyn FnMut(Event<'a>)) {
    super::plain::parse(text, first_line, ctx, out)
}
