import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsString, Length, Matches } from 'class-validator';
import { Optional, REQUIRED, TEXT, WholeNumber } from '../../common/dto-fields';

export const UPLOAD_RESULTS = ['success', 'failed'] as const;

/** `POST /images/{id}/upload` */
export class PrepareUploadBody {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Size of the file to upload, in bytes' })
  @IsDefined(REQUIRED)
  @WholeNumber(1, Number.MAX_SAFE_INTEGER)
  sizeBytes!: number;
}

/** `POST /images/{id}/upload/complete` */
export class CompleteUploadBody {
  @ApiProperty({ enum: UPLOAD_RESULTS })
  @IsDefined(REQUIRED)
  @IsIn(UPLOAD_RESULTS)
  result!: (typeof UPLOAD_RESULTS)[number];

  @ApiPropertyOptional({ description: 'The multipart upload id, when the upload used one' })
  @Optional()
  @IsString()
  @Length(1, 256)
  @Matches(TEXT, { message: '$property must not contain control characters' })
  uploadId?: string;
}
