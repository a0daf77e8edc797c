export {
  createJobQueue,
  type JobData,
  type JobQueue,
} from './job-queue.ts';
