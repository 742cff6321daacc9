import sys

from localcloud.launcher import main

sys.exit(main())
