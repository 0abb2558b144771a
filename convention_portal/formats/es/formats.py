# Spanish groups thousands with a point, as the portal's Spanish readers and the reporting form write them
# (1.234; decimals after a comma: 1.234,56), where Django's own Spanish format uses a no-break space. Everything
# else (dates, the decimal comma) stays Django's.
THOUSAND_SEPARATOR = "."
