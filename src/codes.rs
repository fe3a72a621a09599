//! Error-code table for `supdiag explain` (domain §C.6 and the codes used by rules).
