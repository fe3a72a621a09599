//! IIS `applicationHost.config`: bindings of the WSUS site, `sslFlags` per WSUS virtual directory
//! and the WsusPool private-memory limit (docs/domain.md §E.3). Parsed with roxmltree; DTDs are refused,
//! so entity expansion (billion laughs) cannot blow up memory.

use roxmltree::{Document, Node, ParsingOptions};

use super::{SettingsError, Sink};
use crate::facts::Value;

/// WSUS virtual directories, as named in `<location path="WSUS Administration/...">`.
pub const WSUS_VDIRS: &[&str] = &[
    "ApiRemoting30",
    "ClientWebService",
    "Content",
    "DssAuthWebService",
    "Inventory",
    "ReportingWebService",
    "SelfUpdate",
    "ServerSyncWebService",
    "SimpleAuthWebService",
];

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name(name))
}

fn children<'a, 'i: 'a>(n: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    n.children().filter(move |c| c.has_tag_name(name))
}

/// Port of a `bindingInformation` (`IP:port:host`, IPv6 IPs in brackets).
pub fn binding_port(info: &str) -> Option<u16> {
    let mut parts = info.rsplitn(3, ':');
    let _host = parts.next()?;
    parts.next()?.trim().parse().ok()
}

/// Does this site host WSUS (a WSUS vdir or application under it)?
fn hosts_wsus(site: Node<'_, '_>) -> bool {
    site.descendants().any(|n| {
        n.attribute("path").is_some_and(|p| {
            let p = p.trim_start_matches('/');
            WSUS_VDIRS.iter().any(|v| p.eq_ignore_ascii_case(v))
        })
    })
}

/// Deepest element nesting accepted. roxmltree recurses once per level with no limit of its own,
/// so a hostile file of 100,000 nested elements would overflow the stack; a real
/// applicationHost.config nests about ten deep.
pub const MAX_XML_DEPTH: usize = 256;

/// Byte offset of the first element start tag nested deeper than `max`, found by a light scan
/// that skips comments, CDATA, processing instructions, declarations and quoted attribute values.
/// Malformed text ends the scan: the XML parser reports it.
fn too_deep_at(text: &str, max: usize) -> Option<usize> {
    let b = text.as_bytes();
    let find = |from: usize, pat: &[u8]| {
        b.get(from..)
            .and_then(|rest| rest.windows(pat.len()).position(|w| w == pat))
            .map(|p| from + p + pat.len())
    };
    let mut depth = 0usize;
    let mut i = 0usize;
    while let Some(p) = memchr::memchr(b'<', b.get(i..)?) {
        let at = i + p;
        let rest = &b[at..];
        i = if rest.starts_with(b"<!--") {
            find(at + 4, b"-->")?
        } else if rest.starts_with(b"<![CDATA[") {
            find(at + 9, b"]]>")?
        } else if rest.starts_with(b"<?") {
            find(at + 2, b"?>")?
        } else if rest.starts_with(b"<!") {
            find(at + 2, b">")?
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            find(at + 2, b">")?
        } else {
            // Start tag: find its `>` outside quoted attribute values.
            let mut j = at + 1;
            let mut quote = None;
            loop {
                let c = *b.get(j)?;
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == b'"' || c == b'\'' => quote = Some(c),
                    None if c == b'>' => break,
                    None => {}
                }
                j += 1;
            }
            if b.get(j.wrapping_sub(1)) != Some(&b'/') {
                depth += 1;
                if depth > max {
                    return Some(at);
                }
            }
            j + 1
        };
    }
    None
}

/// The site WSUS runs in: "WSUS Administration", else a site with a WSUS vdir, else the
/// Default Web Site.
fn wsus_site<'a, 'i>(sites: &[Node<'a, 'i>]) -> Option<Node<'a, 'i>> {
    let named = |want: &str| {
        sites.iter().copied().find(|s| {
            s.attribute("name")
                .is_some_and(|n| n.eq_ignore_ascii_case(want))
        })
    };
    named("WSUS Administration")
        .or_else(|| sites.iter().copied().find(|s| hosts_wsus(*s)))
        .or_else(|| named("Default Web Site"))
}

/// Where the WSUS site writes its W3C logs (for finding them on the server).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WsusSiteLogs {
    pub site_name: String,
    pub site_id: u32,
    /// `logFile/@directory` of the site, else of `siteDefaults`; environment variables not
    /// expanded. `None`: IIS's default (`%SystemDrive%\inetpub\logs\LogFiles`).
    pub directory: Option<String>,
}

/// The WSUS site's id and log folder from applicationHost.config text; `Err` says why not.
pub fn wsus_site_logs(text: &str) -> Result<WsusSiteLogs, String> {
    let text = text.trim_start_matches('\u{feff}');
    if too_deep_at(text, MAX_XML_DEPTH).is_some() {
        return Err(format!("elements nested more than {MAX_XML_DEPTH} deep"));
    }
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: 2_000_000,
    };
    let doc = Document::parse_with_options(text, opts).map_err(|e| format!("invalid XML: {e}"))?;
    let sites_node = child(doc.root_element(), "system.applicationHost")
        .and_then(|a| child(a, "sites"))
        .ok_or("no <system.applicationHost><sites> section")?;
    let sites: Vec<Node> = children(sites_node, "site").collect();
    let site = wsus_site(&sites).ok_or("no WSUS site (no \"WSUS Administration\" site, no site with WSUS virtual directories, no Default Web Site)")?;
    let name = site.attribute("name").unwrap_or("").to_string();
    let id = site
        .attribute("id")
        .and_then(|i| i.trim().parse::<u32>().ok())
        .ok_or_else(|| format!("site {name:?} has no numeric id"))?;
    let dir_of = |n: Node<'_, '_>| {
        child(n, "logFile")
            .and_then(|l| l.attribute("directory"))
            .map(str::to_string)
    };
    let directory = dir_of(site).or_else(|| child(sites_node, "siteDefaults").and_then(dir_of));
    Ok(WsusSiteLogs {
        site_name: name,
        site_id: id,
        directory,
    })
}

pub fn import(file: &str, text: &str, sink: &mut Sink) -> Result<(), SettingsError> {
    let text = text.trim_start_matches('\u{feff}');
    if let Some(at) = too_deep_at(text, MAX_XML_DEPTH) {
        let line = text.get(..at).map_or(1, |h| h.matches('\n').count() + 1);
        return Err(SettingsError::at(
            file,
            line,
            format!(
                "elements nested more than {MAX_XML_DEPTH} deep; not an applicationHost.config"
            ),
        ));
    }
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: 2_000_000,
    };
    let doc = Document::parse_with_options(text, opts).map_err(|e| {
        let pos = e.pos();
        SettingsError::at(file, pos.row as usize, format!("invalid XML: {e}"))
    })?;
    let root = doc.root_element();
    if !root.has_tag_name("configuration") {
        return Err(SettingsError::new(
            file,
            format!(
                "root element is <{}>, expected <configuration> of applicationHost.config",
                root.tag_name().name()
            ),
        ));
    }
    let Some(app_host) = child(root, "system.applicationHost") else {
        return Err(SettingsError::new(
            file,
            "no <system.applicationHost> section; is this applicationHost.config?",
        ));
    };
    let sites: Vec<Node> = child(app_host, "sites")
        .map(|s| children(s, "site").collect())
        .unwrap_or_default();
    let site = wsus_site(&sites);
    let site_name = match site.as_ref() {
        Some(s) => {
            let name = s.attribute("name").unwrap_or("").to_string();
            let line = doc.text_pos_at(s.range().start).row as usize;
            sink.set_at("config.iis.site_name", name.as_str(), "site/@name", line);
            if let Some(b) = child(*s, "bindings") {
                for bind in children(b, "binding") {
                    let proto = bind
                        .attribute("protocol")
                        .unwrap_or("")
                        .to_ascii_lowercase();
                    let info = bind.attribute("bindingInformation").unwrap_or("");
                    let line = doc.text_pos_at(bind.range().start).row as usize;
                    let key = match proto.as_str() {
                        "http" => "config.iis.http_port",
                        "https" => "config.iis.https_port",
                        _ => continue,
                    };
                    match binding_port(info) {
                        Some(p) => {
                            sink.set_at(key, i64::from(p), "binding/@bindingInformation", line)
                        }
                        None => sink
                            .dropped(Some(line), format!("binding {info:?} has no port; ignored")),
                    }
                }
            }
            Some(name)
        }
        None => {
            sink.warn("no \"WSUS Administration\" or \"Default Web Site\" site found");
            None
        }
    };
    // sslFlags per WSUS vdir: <location path="WSUS Administration/ClientWebService">
    if let Some(site_name) = &site_name {
        let mut ssl: Vec<String> = Vec::new();
        let mut first_line = None;
        for loc in root.descendants().filter(|n| n.has_tag_name("location")) {
            let Some(path) = loc.attribute("path") else {
                continue;
            };
            let Some(rest) = path
                .get(..site_name.len())
                .filter(|p| p.eq_ignore_ascii_case(site_name))
                .and_then(|_| path.get(site_name.len()..))
            else {
                continue;
            };
            let vdir = rest.trim_matches('/');
            let Some(known) = WSUS_VDIRS.iter().find(|v| v.eq_ignore_ascii_case(vdir)) else {
                continue;
            };
            let flags = loc
                .descendants()
                .filter(|n| n.has_tag_name("access"))
                .filter_map(|n| n.attribute("sslFlags"))
                .next_back()
                .unwrap_or("");
            let requires = flags
                .split(',')
                .map(str::trim)
                .any(|f| f.eq_ignore_ascii_case("Ssl") || f.eq_ignore_ascii_case("Ssl128"));
            if requires && !ssl.iter().any(|s| s == known) {
                ssl.push((*known).to_string());
                first_line.get_or_insert(doc.text_pos_at(loc.range().start).row as usize);
            }
        }
        sink.set_at(
            "config.iis.ssl_vdirs",
            Value::List(ssl),
            "location/access/@sslFlags",
            first_line.unwrap_or(1),
        );
    }
    // WsusPool private memory limit (KB).
    if let Some(pools) = child(app_host, "applicationPools") {
        for pool in children(pools, "add") {
            if !pool
                .attribute("name")
                .is_some_and(|n| n.eq_ignore_ascii_case("WsusPool"))
            {
                continue;
            }
            let restart = child(pool, "recycling").and_then(|r| child(r, "periodicRestart"));
            if let Some(pm) = restart.and_then(|r| r.attribute("privateMemory")) {
                let line = restart
                    .map(|r| doc.text_pos_at(r.range().start).row as usize)
                    .unwrap_or(1);
                match pm.trim().parse::<i64>() {
                    Ok(kb) => sink.set_at(
                        "config.iis.wsuspool.private_memory_kb",
                        kb,
                        "WsusPool/recycling/periodicRestart/@privateMemory",
                        line,
                    ),
                    Err(_) => sink.dropped(
                        Some(line),
                        format!("WsusPool privateMemory {pm:?} is not a number; ignored"),
                    ),
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wsus_site_log_folder_from_the_site_or_the_defaults() {
        let cfg = |site_log: &str| {
            format!(
                "<configuration><system.applicationHost><sites>\
                 <site name=\"Default Web Site\" id=\"1\"/>\
                 <site name=\"WSUS Administration\" id=\"1154400271\">{site_log}</site>\
                 <siteDefaults><logFile directory=\"%SystemDrive%\\inetpub\\logs\\LogFiles\"/></siteDefaults>\
                 </sites></system.applicationHost></configuration>"
            )
        };
        let w = wsus_site_logs(&cfg("")).expect("site");
        assert_eq!(
            (w.site_id, w.site_name.as_str()),
            (1154400271, "WSUS Administration")
        );
        assert_eq!(
            w.directory.as_deref(),
            Some("%SystemDrive%\\inetpub\\logs\\LogFiles")
        );
        let own = wsus_site_logs(&cfg("<logFile directory=\"D:\\IISLogs\"/>")).expect("site");
        assert_eq!(own.directory.as_deref(), Some("D:\\IISLogs"));
        assert!(wsus_site_logs("<configuration/>").is_err());
    }

    #[test]
    fn nesting_depth_scan() {
        let nest = |n: usize| format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
        assert_eq!(too_deep_at(&nest(3), 3), None);
        assert_eq!(too_deep_at(&nest(4), 3), Some(9));
        // Siblings, self-closing tags, closing tags, comments, CDATA, PIs and quoted `>` / `/>`
        // do not add depth.
        let flat = format!(
            "<?xml version=\"1.0\"?><r>{}</r>",
            "<b x=\"a>b/>\" y='>'/><c></c><!-- <d><d><d> --><![CDATA[<e><e>]]><?p <f>?>".repeat(50)
        );
        assert_eq!(too_deep_at(&flat, 2), None);
        // Unterminated markup ends the scan without a verdict.
        assert_eq!(too_deep_at("<a><b x=\"unclosed", 1), None);
        assert_eq!(too_deep_at("<a><!-- never closed <b><c>", 1), None);
    }

    #[test]
    fn a_deeply_nested_file_is_an_error_naming_the_line() {
        let xml = format!(
            "<configuration>\n{}{}</configuration>",
            "<a>".repeat(100_000),
            "</a>".repeat(100_000)
        );
        let mut sink = Sink::new("applicationHost.config");
        let e = import("applicationHost.config", &xml, &mut sink).expect_err("too deep");
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("nested more than 256 deep"), "{e}");
    }
}
