"""Running a school from the chat: codes, links, who left, specialists, messages."""
