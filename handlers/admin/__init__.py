"""Running a school from the chat: people, codes, links, who left, duty, messages."""
