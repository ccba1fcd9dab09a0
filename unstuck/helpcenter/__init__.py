"""Help center: articles, the public /help site, suggestions while customers type and beside conversations."""
