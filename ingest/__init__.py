"""Reading files into cleaned, structured, chunked documents, written through kb."""
