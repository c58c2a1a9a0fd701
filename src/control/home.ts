// The account and region this Gust acts as, and the ARN of its built-in dead-letter store.

export interface Home {
  region: string;
  accountId: string;
}

/** The built-in dead-letter store, addressed like an SQS queue so SDKs accept it as a destination. */
export const deadLetterArn = (home: Home) => `arn:aws:sqs:${home.region}:${home.accountId}:gust-dead-letters`;
