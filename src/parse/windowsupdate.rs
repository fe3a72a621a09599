//! WindowsUpdate.log formats (interim: parsed as plain lines until the format parser lands).

use super::ParseCtx;
use crate::event::{Event, Format};

pub fn sniff(_lines: &[&str]) -> Option<Format> {
    None
}

pub fn parse<'a>(text: &'a str, first_line: u64, ctx: &ParseCtx, out: &mut dyn FnMut(Event<'a>)) {
    super::plain::parse(text, first_line, ctx, out)
}
