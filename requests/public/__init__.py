"""The citizens' channel (F-PUB): public pages under /track/ that call the domains' services. It is the one part of
the requests app that may import the complaints app (the complaint form, its status page, the lookup by number).
"""
