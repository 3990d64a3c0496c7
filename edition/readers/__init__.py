"""Readers: each turns one kind of source into parts of the edition model, collecting problems."""
