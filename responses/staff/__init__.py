"""The officials' side of the tracker in the staff workspace (/staff/…): the
queue, the routing table, internal notes; their rules, selectors and the
dashboard panel. Pages here extend ``templates/staff/base.html``."""
