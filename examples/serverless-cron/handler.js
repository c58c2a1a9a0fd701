'use strict';

module.exports.hello = async (event) => {
  console.log('Your cron function ran', JSON.stringify(event));
  return { message: 'Go Serverless v3! Your function executed successfully!', input: event };
};
