//! Placeholder for the Set type (filled in by the data-type work).

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Set {
    items: Vec<Vec<u8>>,
}

impl Set {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The `OBJECT ENCODING` name.
    pub fn encoding(&self) -> &'static str {
        "listpack"
    }

    /// Rough heap footprint.
    pub fn heap_size(&self) -> usize {
        self.items.iter().map(|i| i.capacity()).sum()
    }
}
