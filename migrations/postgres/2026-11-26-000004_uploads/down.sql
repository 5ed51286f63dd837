DROP TABLE upload_cdn;
DROP TABLE uploads;
