from gradekit.cli import main

raise SystemExit(main())
