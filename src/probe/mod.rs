//! Live probes for `supdiag precheck --probe`: DNS, TCP, TLS, HTTP, proxy CONNECT.
