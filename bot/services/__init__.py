"""Services: the rules of the programme. They own transactions and never import telegram."""
