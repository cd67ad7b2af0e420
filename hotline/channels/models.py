"""Intake channels (SMS, WeChat, mailbox, telephony, merged hotlines, partners) behind adapters."""
