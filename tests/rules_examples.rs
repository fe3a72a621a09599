//! Every built-in rule's `[[example]]` runs through the real parser and matcher.

use supdiag::rules::lint::example_fires;
use supdiag::rules::load_rule_set;

#[test]
fn every_builtin_example_behaves() {
    let set = match load_rule_set(&[], &[]) {
        Ok(s) => s,
        Err(e) => panic!("built-in rules do not load: {e}"),
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in &set.rules {
        assert!(
            rule.examples.iter().any(|e| e.matches) && rule.examples.iter().any(|e| !e.matches),
            "{}: needs a matching and a non-matching example",
            rule.id
        );
        for ex in &rule.examples {
            checked += 1;
            let fired = example_fires(&set, rule, ex);
            if fired != ex.matches {
                failures.push(format!(
                    "{} ({}:{}): expected matches = {}, got {}",
                    rule.id, rule.origin, ex.line, ex.matches, fired
                ));
            }
        }
    }
    assert!(checked > 100, "only {checked} examples");
    assert!(
        failures.is_empty(),
        "failing examples:\n{}",
        failures.join("\n")
    );
}

#[test]
fn catalog_ids_are_all_present() {
    let set = match load_rule_set(&[], &[]) {
        Ok(s) => s,
        Err(e) => panic!("built-in rules do not load: {e}"),
    };
    let ids = [
        "wsyncmgr_wsus_not_configured",
        "wsyncmgr_sync_failed_will_retry",
        "wsyncmgr_sync_on_retry_schedule",
        "wsyncmgr_statmsg_6703",
        "wsyncmgr_uss_name_not_resolved",
        "wsyncmgr_uss_connect_failed",
        "wsyncmgr_uss_ssl_trust_failure",
        "wsus_sync_cert_chain_untrusted",
        "wsus_sync_tls_failure",
        "wsyncmgr_catalog_import_failed",
        "wsus_sync_decommissioned_endpoint",
        "wsyncmgr_principal_permission_failed",
        "wsyncmgr_http_503_wsuspool",
        "wsyncmgr_eula_not_downloaded",
        "wsus_eula_file_missing",
        "wsyncmgr_update_save_failed_sql",
        "wsyncmgr_sync_aborted_consecutive_failures",
        "wsyncmgr_content_cleanup_access_denied",
        "wsyncmgr_remote_wsus_not_https",
        "wsyncmgr_request_filter_empty",
        "wsyncmgr_sync_succeeded",
        "wsus_sync_completed_successfully",
        "wsus_content_dir_inaccessible",
        "wcm_webexception_http_status",
        "wcm_connection_refused",
        "wcm_ssl_transport_closed",
        "wcm_subscription_unknown_category",
        "wcm_client_publication_failed",
        "wcm_config_state_failed",
        "wcm_config_success",
        "wcm_wsus_api_missing",
        "wsusctrl_proxy_config_failed",
        "wsusctrl_healthy",
        "supsetup_install_success",
        "supsetup_wsus_not_supported",
        "supsetup_regasm_net2_benign",
        "adr_download_internet_12007",
        "adr_content_download_failed",
        "adr_download_action_failed",
        "adr_rule_applied",
        "patchdownloader_http_error",
        "patchdownloader_access_denied",
        "patchdownloader_temp_file_exhausted",
        "client_scan_failed",
        "client_wsus_gpo_conflict",
        "client_scan_eula_unavailable",
        "client_scan_wsus_cert_invalid",
        "client_scan_client_cert_required",
        "client_scan_syncupdates_invalid_parameters",
        "client_scan_max_server_trips",
        "client_scan_succeeded",
        "client_no_wsus_location",
        "iis_wsus_503",
        "iis_wsus_content_404",
        "iis_wsus_content_401_3",
        "iis_wsus_500_24",
        "iis_client_missing",
    ];
    for id in ids {
        assert!(set.get(id).is_some(), "missing catalog rule {id}");
    }
}
