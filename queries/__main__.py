"""``python -m queries``: developer commands of the query layer (``queries.visible_sql``)."""

import sys

from queries.visible_sql import main

sys.exit(main())
