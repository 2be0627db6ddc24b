"""HTTP: thin views that translate requests into service calls and back."""
