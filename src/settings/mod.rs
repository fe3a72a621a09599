//! Settings: the supdiag.toml schema and importers (ConfigMgr JSON, applicationHost.config, .reg).
