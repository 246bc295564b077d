"""Care: the answer to words of crisis, and the alert to the school."""
