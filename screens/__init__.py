"""One Textual screen per area; they read through models and change data only
through the store's transactions."""
