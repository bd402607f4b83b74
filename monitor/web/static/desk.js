// The desk's little JavaScript: pages work without it; it adds keyboard shortcuts and partial
// updates. Loaded as a file (the Content-Security-Policy forbids inline script).
"use strict";
