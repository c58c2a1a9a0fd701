// Works through a batch of jobs. A job that fails is reported on its own (ReportBatchItemFailures),
// so only it comes back to the queue, and after two tries it moves to the dead-letter queue.
exports.handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    const job = JSON.parse(record.body);
    if (job.task === 'fail') {
      console.log(`job ${job.id} failed`);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    } else {
      console.log(`job ${job.id} done: ${job.task}`);
    }
  }
  return { batchItemFailures };
};
