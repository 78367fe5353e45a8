//! What is shown, once for every front-end: the dashboard's widgets, the export writers and
//! the CLI's printers render these values and compute nothing themselves.

pub mod facts;
pub mod format;
pub mod page;
pub mod robust;
pub mod table;

pub use page::Page;
