from orgboot.cli import main

raise SystemExit(main())
