"""Messages from the organisers to people by where they stand: segments, merge fields, preview, sending once."""
