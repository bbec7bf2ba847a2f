from kaohe_desktop.cli import main

raise SystemExit(main())
