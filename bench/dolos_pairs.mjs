// Dolos's similarity of every pair of the files named on the command line, one JSON
// array [left, right, similarity] per line. Run from a folder where @dodona/dolos-lib
// is installed (bench/bench_similarity.py --dolos DIR copies this file there).
import { Dolos } from "@dodona/dolos-lib";

const dolos = new Dolos({ language: "python" });
const report = await dolos.analyzePaths(process.argv.slice(2));
for (const pair of report.allPairs()) {
  console.log(JSON.stringify([pair.leftFile.path, pair.rightFile.path, pair.similarity]));
}
