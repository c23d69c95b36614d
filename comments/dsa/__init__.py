"""The EU Digital Services Act for reader comments: notices of illegal content (Art. 16),
statements of reasons (Art. 17), appeals (Art. 20) and the transparency figures (Art. 24).
"""
