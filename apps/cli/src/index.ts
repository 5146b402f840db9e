// The devops-agent command (bin). See src/main.ts for the commands.
import { processIo } from './cli-io.js';
import { main } from './main.js';

// A closed pipe (devops-agent templates x | head) is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2), processIo());
