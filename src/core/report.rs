//! Results -> serde structs and text/markdown/latex/csv rows, shared by the CLI and the
//! dashboard (cli.md, "JSON shapes").
