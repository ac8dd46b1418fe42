"""One router per resource; each route validates, calls one function and shapes the answer."""
