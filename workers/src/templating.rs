//! templating (issue 3)
